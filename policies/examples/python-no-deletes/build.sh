#!/usr/bin/env bash
# Builds the Python `no-deletes` policy into a WebAssembly component.
#
# Usage: build.sh [OUTPUT.wasm]
#   OUTPUT defaults to <repo>/target/python-policy/no-deletes.wasm. Keep the
#   file name `no-deletes.wasm`: its stem names the settings file.
# Environment:
#   PYTHON_POLICY_VENV  the venv for componentize-py
#                       (default <repo>/target/python-policy/venv)
#   PYTHON              the Python that creates it (default python3, 3.9+)
set -euo pipefail

COMPONENTIZE_PY_VERSION=0.25.1

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
out="$(realpath -m "${1:-$repo/target/python-policy/no-deletes.wasm}")"
venv="${PYTHON_POLICY_VENV:-$repo/target/python-policy/venv}"

if ! "$venv/bin/componentize-py" --version 2>/dev/null | grep -qF " $COMPONENTIZE_PY_VERSION"; then
    "${PYTHON:-python3}" -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "componentize-py==$COMPONENTIZE_PY_VERSION"
fi

mkdir -p "$(dirname "$out")"
# Built from a copy, so the source tree gets no __pycache__. Only app.py and
# what it imports (json) go in, beside CPython itself.
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
cp "$here/app.py" "$stage/"
"$venv/bin/componentize-py" --wit-path "$repo/wit" --world policy \
    componentize app --python-path "$stage" --output "$out"
echo "built $out ($(wc -c <"$out") bytes)"

#!/usr/bin/env bash
# Prepares the differential test's reference answers in DIR: installs the
# AWS CLI v1 into a venv (PyPI), extracts the example commands it ships, and
# runs them through the CLI's own parser from an empty working directory.
# Nothing is sent anywhere: cli_parse.py stops every command before a request.
set -euo pipefail
dir=${1:?usage: prepare.sh DIR}
here=$(cd "$(dirname "$0")" && pwd)
awscli_version=1.46.3
mkdir -p "$dir/workdir"
dir=$(cd "$dir" && pwd)
venv="$dir/venv"
if ! "$venv/bin/python" -c "import awscli, sys; sys.exit(awscli.__version__ != '$awscli_version')" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "awscli==$awscli_version"
fi
if [ ! -s "$dir/expected.jsonl" ] || [ "$dir/expected.jsonl" -ot "$here/cli_parse.py" ]; then
  "$venv/bin/python" "$here/examples.py" > "$dir/examples.txt"
  (cd "$dir/workdir" && "$venv/bin/python" "$here/cli_parse.py" < "$dir/examples.txt" > "$dir/expected.jsonl.tmp")
  mv "$dir/expected.jsonl.tmp" "$dir/expected.jsonl"
fi
if [ ! -s "$dir/cli-table.jsonl" ] || [ "$dir/cli-table.jsonl" -ot "$here/dump_cli.py" ]; then
  "$venv/bin/python" "$here/dump_cli.py" > "$dir/cli-table.jsonl.tmp"
  mv "$dir/cli-table.jsonl.tmp" "$dir/cli-table.jsonl"
fi
echo "reference answers: $(wc -l < "$dir/expected.jsonl") commands in $dir/expected.jsonl"

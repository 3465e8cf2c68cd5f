#!/usr/bin/env bash
# The benchmark report: builds the release binary, runs every benchmark
# (cold start and MCP round trip, parse + policy latency, execution against
# moto beside the AWS CLI, 1,000 concurrent calls, suggestion latency) and
# the suggestion accuracy evaluation, and prints one table of figures with
# the raw lines after it. Run from the repository root:
#
#   bash tests/bench/report.sh            # build, run everything, print
#   bash tests/bench/report.sh --table    # print the last run again
#
# Each benchmark's output is kept in target/bench-report/.
#
# The exec benchmark needs moto (and the AWS CLI for its side-by-side
# figures): run `.ci/run` once first, which makes target/mcp-client-venv and
# target/differential. The Python server (awslabs.aws-api-mcp-server) cannot
# be measured on a machine without internet: it fetches AWS's Service
# Reference before it serves; its column says so.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=target/bench-report
if [ "${1:-}" != "--table" ]; then
  mkdir -p "$out"
  cargo build --locked --release --quiet -p aws-api-mcp
  for bench in mcp policy endpoint exec suggest; do
    echo "running the $bench benchmark..." >&2
    cargo bench --locked --quiet -p aws-api-mcp --bench "$bench" > "$out/$bench.txt" 2>/dev/null || echo "($bench failed)" >> "$out/$bench.txt"
  done
  target/release/aws-api-mcp suggest eval > "$out/eval.txt" 2>/dev/null || true
fi

# The figures of the first line of bench $1 that starts with the label $2:
# the line without the label, spaces squeezed.
pick() {
  local line
  line=$(grep -m1 -F -- "$2" "$out/$1.txt" 2>/dev/null) || { echo "n/a"; return; }
  printf '%s\n' "${line#*"$2"}" | sed 's/  */ /g; s/^ //'
}

size=$(du -k target/release/aws-api-mcp | cut -f1)

python_note="not measured: it does not start offline"
printf '\n| %s | %s | %s |\n|---|---|---|\n' "figure" "aws-api-mcp (this build)" "Python server"
row() { printf '| %s | %s | %s |\n' "$1" "$2" "$python_note"; }
row "cold start to tools/list" "$(pick mcp 'cold start to the tools/list answer (policies cached)')"
row "denied call_aws round trip" "$(pick mcp 'call_aws round trip, denied by read-only mode')"
row "parse one command" "$(pick policy 'parse and type one command against the command table')"
row "judge one command (3 default policies)" "$(pick policy 'judge one command through all 3 default policies')"
row "added over moto (sts get-caller-identity)" "$(pick exec 'added by the host (parse, policies, sign, parse, print, MCP)')"
row "memory paging 10,000 DynamoDB items" "$(pick exec 'server peak RSS:')"
row "s3 sync 1,000 files, this server" "$(pick exec 's3 sync of 1,000 files of 1 KiB, call_aws')"
row "s3 sync 1,000 files, AWS CLI v1" "$(pick exec 's3 sync of 1,000 files of 1 KiB, AWS CLI v1')"
row "1,000 concurrent calls, one session" "$(pick exec '1,000 concurrent call_aws (half run on moto), one session:')"
row "suggest, lexical query" "$(pick suggest 'lexical  query:')"
row "suggest accuracy, lexical (top-1 top-5 MRR)" "$(pick eval 'lexical    all')"
row "install: one binary (policies and models inside)" "$((size / 1024)) MiB"
printf '\nRaw figures:\n'
for f in mcp policy endpoint exec suggest eval; do
  printf '\n== %s\n' "$f"
  cat "$out/$f.txt"
done

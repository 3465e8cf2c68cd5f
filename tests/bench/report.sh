#!/usr/bin/env bash
# The benchmark report: builds the release binary, runs every benchmark
# (cold start and MCP round trip, parse + policy latency, execution against
# moto beside the AWS CLI, 1,000 concurrent calls, suggestion latency) and
# the suggestion accuracy evaluation, and prints one table of figures with
# the raw lines after it. Run from the repository root:
#
#   bash tests/bench/report.sh
#
# The exec benchmark needs moto (and the AWS CLI for its side-by-side
# figures): run `.ci/run` once first, which makes target/mcp-client-venv and
# target/differential. The Python server (awslabs.aws-api-mcp-server) cannot
# be measured on a machine without internet: it fetches AWS's Service
# Reference before it serves; its column says so.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

cargo build --locked --release --quiet -p aws-api-mcp
for bench in mcp policy endpoint exec suggest; do
  echo "running the $bench benchmark..." >&2
  cargo bench --locked --quiet -p aws-api-mcp --bench "$bench" > "$out/$bench.txt" 2>/dev/null || echo "($bench failed)" >> "$out/$bench.txt"
done
target/release/aws-api-mcp suggest eval > "$out/eval.txt" 2>/dev/null || true

# The first line of a bench's output that matches $2, from column $3 on.
pick() { grep -m1 -- "$2" "$out/$1.txt" 2>/dev/null | sed 's/  */ /g' || echo "n/a"; }

size=$(du -k target/release/aws-api-mcp | cut -f1)
stripped=$(mktemp) && strip -o "$stripped" target/release/aws-api-mcp 2>/dev/null && ssize=$(du -k "$stripped" | cut -f1) && rm -f "$stripped" || ssize="?"

python_note="does not start offline"
printf '\n%-44s | %-60s | %s\n' "figure" "aws-api-mcp (this build)" "Python server"
printf '%s\n' "---------------------------------------------|--------------------------------------------------------------|--------------"
row() { printf '%-44s | %-60s | %s\n' "$1" "$2" "$python_note"; }
row "cold start to tools/list" "$(pick mcp 'tools/list' | cut -c1-60)"
row "denied call_aws round trip" "$(pick mcp 'denied' | cut -c1-60)"
row "parse + policies, one command" "$(pick policy 'parse' | cut -c1-60)"
row "added over moto (sts get-caller-identity)" "$(pick exec 'added by the host' | cut -c1-60)"
row "peak memory paging 10,000 items" "$(pick exec 'peak RSS' | cut -c1-60)"
row "s3 sync 1,000 files (host)" "$(pick exec 'call_aws ' | cut -c1-60)"
row "s3 sync 1,000 files (AWS CLI v1)" "$(pick exec 'AWS CLI' | cut -c1-60)"
row "1,000 concurrent calls" "$(pick exec 'concurrent' | cut -c1-60)"
row "suggest, lexical query" "$(pick suggest 'lexical' | cut -c1-60)"
row "suggest accuracy (top-1/top-5)" "$(pick eval 'lexical' | cut -c1-60)"
row "binary size (static, with policies + models)" "${size} KiB (${ssize} KiB stripped)"
printf '\nRaw figures:\n'
for f in mcp policy endpoint exec suggest eval; do
  printf '\n== %s\n' "$f"
  cat "$out/$f.txt"
done

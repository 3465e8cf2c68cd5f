#!/usr/bin/env python3
"""Validate suggest-index/eval/requests.tsv against the CLI command table.

Checks:
  * the header is exactly `request<TAB>expected<TAB>also`;
  * every line has exactly three tab-separated columns (the third may be empty);
  * no empty request, no stray whitespace, no duplicate request
    (compared case-insensitively with runs of whitespace collapsed);
  * `expected` and every `also` entry is `aws <service> <command>` or, for a
    command group such as `wait`, `aws <service> <group> <subcommand>`, and
    names a command that exists (and is not hidden) in the dumped CLI table
    target/differential/cli-table.jsonl;
  * `also` has no duplicates and does not repeat `expected`;
  * at least --min-lines requests and --min-services services.

How the dump represents commands: one JSON line per service (the first line
holds the global options) with `service`, `hidden` and `commands`; each
command has `name`, `class`, `hidden`, `customization` and, for groups,
`subcommands` (e.g. `wait` -> `instance-running`).  API operations have class
`ServiceOperation`; CLI customizations (`s3 ls`, `s3 cp`, `eks
update-kubeconfig`, `ecr get-login-password` ...) appear as commands with
their own class and are checked the same way.  A command that has
subcommands but no arguments of its own (`wait`, `codecommit
credential-helper`, `servicecatalog generate`) must be written with a
subcommand.

Optional: --binary PATH also asks the built server (`aws-api-mcp policy
check`) about each distinct command and reports any the parser says is not a
command; those are printed as disagreements and fail the run only with
--strict-binary.

Exit status 0 when clean, 1 otherwise.
"""
import argparse
import collections
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
DEFAULT_TABLE = os.path.join(REPO, "target", "differential", "cli-table.jsonl")
DEFAULT_FILE = os.path.join(HERE, "requests.tsv")
HEADER = ["request", "expected", "also"]
TOKEN = re.compile(r"^[a-z0-9][a-z0-9.-]*$")


def load_table(path):
    """Return {service: {command: entry}} and the set of hidden services."""
    table = {}
    hidden_services = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            d = json.loads(line)
            if "service" not in d:
                continue  # the global-options line
            if d.get("hidden"):
                hidden_services.add(d["service"])
            table[d["service"]] = {c["name"]: c for c in d.get("commands", [])}
    return table, hidden_services


def check_command(cmd, table, hidden_services):
    """Return None if `cmd` names an existing, visible command, else a reason."""
    parts = cmd.split(" ")
    if any(p == "" for p in parts):
        return "extra spaces"
    if len(parts) not in (3, 4) or parts[0] != "aws":
        return "not of the form `aws <service> <command> [<subcommand>]`"
    if not all(TOKEN.match(p) for p in parts[1:]):
        return "tokens must be lower-case CLI names"
    service, name = parts[1], parts[2]
    if service not in table:
        return f"unknown service `{service}`"
    if service in hidden_services:
        return f"service `{service}` is hidden"
    commands = table[service]
    if name not in commands:
        close = sorted(c for c in commands if c.split("-")[-1] == name.split("-")[-1])[:5]
        return f"`{service}` has no command `{name}`" + (f" (same last word: {', '.join(close)})" if close else "")
    entry = commands[name]
    if entry.get("hidden"):
        return f"`{service} {name}` is hidden"
    subs = {s["name"]: s for s in entry.get("subcommands") or []}
    if len(parts) == 4:
        if not subs:
            return f"`{service} {name}` takes no subcommand"
        sub = subs.get(parts[3])
        if sub is None:
            return f"`{service} {name}` has no subcommand `{parts[3]}`"
        if sub.get("hidden"):
            return f"`{service} {name} {parts[3]}` is hidden"
        return None
    if subs and not entry.get("args"):
        return f"`{service} {name}` is a group: name one of its subcommands"
    return None


def binary_rejects(binary, commands):
    """Ask the built server's parser about each command; return {cmd: message}."""
    env = dict(os.environ, AWS_REGION=os.environ.get("AWS_REGION", "us-east-1"))
    bad = {}
    for cmd in sorted(commands):
        out = subprocess.run([binary, "policy", "check", cmd], capture_output=True,
                             text=True, env=env, timeout=60)
        text = out.stdout + out.stderr
        m = re.search(r"deny \(by parser\): (.*)", text)
        # The eval names commands only, so complaints about missing parameters,
        # positional arguments or an output file name are expected.
        benign = ("missing required parameter", "needs its", "writes its output")
        if m and not any(b in m.group(1) for b in benign):
            bad[cmd] = m.group(1).strip()
    return bad


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("file", nargs="?", default=DEFAULT_FILE)
    ap.add_argument("--table", default=DEFAULT_TABLE)
    ap.add_argument("--min-lines", type=int, default=320)
    ap.add_argument("--min-services", type=int, default=60)
    ap.add_argument("--binary", help="path to aws-api-mcp for a second opinion")
    ap.add_argument("--strict-binary", action="store_true")
    ap.add_argument("--stats", action="store_true", help="print per-service counts")
    args = ap.parse_args()

    table, hidden_services = load_table(args.table)
    errors = []
    seen = {}
    rows = []
    with open(args.file, encoding="utf-8", newline="") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    else:
        errors.append("file does not end with a newline")
    if not lines or lines[0].split("\t") != HEADER:
        errors.append(f"line 1: header must be {'<TAB>'.join(HEADER)!r}")
    for n, line in enumerate(lines[1:], start=2):
        if "\r" in line:
            errors.append(f"line {n}: carriage return")
        cols = line.split("\t")
        if len(cols) != 3:
            errors.append(f"line {n}: {len(cols)} columns, want 3: {line!r}")
            continue
        request, expected, also = cols
        if not request or request != request.strip() or "  " in request:
            errors.append(f"line {n}: empty request or stray whitespace: {request!r}")
        key = " ".join(request.lower().split())
        if key in seen:
            errors.append(f"line {n}: duplicate of line {seen[key]}: {request!r}")
        seen[key] = n
        why = check_command(expected, table, hidden_services)
        if why:
            errors.append(f"line {n}: expected {expected!r}: {why}")
        alts = [a for a in also.split(",")] if also else []
        if also and (also != also.strip()):
            errors.append(f"line {n}: stray whitespace in also")
        alts = [a.strip() for a in alts]
        if len(set(alts)) != len(alts):
            errors.append(f"line {n}: duplicate entries in also")
        for a in alts:
            if a == expected:
                errors.append(f"line {n}: also repeats expected {a!r}")
            why = check_command(a, table, hidden_services)
            if why:
                errors.append(f"line {n}: also {a!r}: {why}")
        rows.append((n, request, expected, alts))

    services = collections.Counter(r[2].split(" ")[1] for r in rows)
    all_services = set(services) | {a.split(" ")[1] for r in rows for a in r[3]}
    if len(rows) < args.min_lines:
        errors.append(f"{len(rows)} requests, want at least {args.min_lines}")
    if len(services) < args.min_services:
        errors.append(f"{len(services)} services in `expected`, want at least {args.min_services}")

    commands = {r[2] for r in rows} | {a for r in rows for a in r[3]}
    disagreements = {}
    if args.binary:
        disagreements = binary_rejects(args.binary, commands)
        for cmd, msg in sorted(disagreements.items()):
            print(f"binary disagrees: {cmd}: {msg}")

    print(f"{len(rows)} requests; {len(services)} services in expected "
          f"({len(all_services)} counting also); {len(commands)} distinct commands; "
          f"{sum(1 for r in rows if r[3])} rows with alternatives")
    if args.stats:
        for svc, k in sorted(services.items(), key=lambda kv: (-kv[1], kv[0])):
            print(f"  {svc:32s} {k}")
    for e in errors:
        print("ERROR", e)
    failed = bool(errors) or (args.strict_binary and bool(disagreements))
    print("FAIL" if failed else "OK")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

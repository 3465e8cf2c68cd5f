#!/usr/bin/env python3
"""Checks the adversarial corpus (cases.toml) against the built binary.

Every case is a `call_aws` command line that must never execute. For each
case this script runs `aws-api-mcp call '<command>'` with every AWS endpoint
pointed at a recording HTTP server on loopback, and checks that:

- the recorder received no request while the case ran,
- the exit status is not 0,
- the output (stdout and stderr) carries a non-empty error text,
- the case's `error` substring, if any, appears in it (case-insensitive).

Cases marked `mcp_only = true` cannot go through `call` (an argument with a
NUL byte cannot be passed in argv; the 64 KiB size limit is enforced by the
MCP tool only) and are skipped, unless `--mcp` is given: then they are sent
to `call_aws` of the server on stdio (same environment), and must come back
as an error result, never `succeeded` or `executed`, with no request sent.

The fixture, built in a temporary folder:

    W/ok.json            {}
    W/escape.json   ->   ../outside/secret.json
    W/outdir        ->   ../outside
    W/sub/
    outside/secret.json  {}
    outside/secret.txt
    home/secret.json     {}   (HOME)

Usage:
    python3 tests/adversarial/check_corpus.py [--binary PATH] [--cases FILE]
        [--filter SUBSTRING] [--mcp] [--verbose]
    python3 tests/adversarial/check_corpus.py --try 'aws s3 ls' [--read-only]

`--try` runs one command in the same fixture and prints its exit status,
output and the number of requests it sent (for writing new cases).

Standard library only (Python 3.11+ for tomllib).
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
DEFAULT_BINARY = ROOT / "target" / "debug" / "aws-api-mcp"
DEFAULT_CASES = HERE / "cases.toml"
TIMEOUT = 30
KNOWN_KEYS = {"command", "reason", "mode", "error", "tail", "repeat", "mcp_only"}


class Recorder:
    """An HTTP server on loopback that answers everything with 200 `<ok/>`
    and counts the requests it receives."""

    def __init__(self) -> None:
        self.count = 0
        self.lock = threading.Lock()
        self.log: list[str] = []
        recorder = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with recorder.lock:
                    recorder.count += 1
                    recorder.log.append(f"{self.command} {self.path} {body[:120]!r}")
                body = b"<ok/>"
                self.send_response(200)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _any
            do_OPTIONS = do_CONNECT = do_TRACE = _any

            def log_message(self, *args) -> None:  # quiet
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def snapshot(self) -> int:
        with self.lock:
            return self.count

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def build_fixture(base: Path) -> tuple[Path, Path]:
    """Builds the fixture under `base`; returns (working dir, home)."""
    work = base / "W"
    outside = base / "outside"
    home = base / "home"
    for d in (work, outside, home, work / "sub"):
        d.mkdir(parents=True, exist_ok=True)
    (work / "ok.json").write_text("{}")
    (outside / "secret.json").write_text("{}")
    (outside / "secret.txt").write_text("top secret\n")
    (home / "secret.json").write_text("{}")
    os.symlink("../outside/secret.json", work / "escape.json")
    # Templates inside W whose artifacts lead out of it.
    (work / 'leaky.yaml').write_text('Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties:\n      Code: ../outside/secret.txt\n')
    (work / 'leaky-link.yaml').write_text('Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: outdir\n')
    (work / 'leaky-zip.yaml').write_text('Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: code\n')
    (work / 'leaky-include.yaml').write_text('Resources: {}\nOutputs:\n  Fn::Transform:\n    Name: AWS::Include\n    Parameters:\n      Location: ../outside/secret.txt\n')
    (work / 'leaky-nested.yaml').write_text('Resources:\n  N:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: /etc/passwd\n')
    (work / "code").mkdir()
    (work / "code" / "index.py").write_text("x = 1\n")
    (work / "code" / "appspec.yml").write_text("version: 0.0\n")
    os.symlink("../../outside/secret.txt", work / "code" / "leak.txt")
    os.symlink("../outside", work / "outdir")
    return work, home


def environment(work: Path, home: Path, url: str, read_only: bool, cache: Path) -> dict:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": "/nonexistent/c",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/k",
        "AWS_MAX_ATTEMPTS": "1",
        "AWS_ENDPOINT_URL": url,
        "AWS_REGION": "us-east-1",
        "AWS_API_MCP_WORKING_DIR": str(work),
        # Keep logs and the compiled-policy cache inside the fixture.
        "AWS_API_MCP_LOG_DIR": str(cache / "logs"),
        "AWS_API_MCP_CACHE_DIR": str(cache / "cache"),
        "TMPDIR": str(cache / "tmp"),
    }
    if read_only:
        env["READ_OPERATIONS_ONLY"] = "true"
    return env


def full_command(case: dict) -> str:
    command = case["command"]
    if "repeat" in case:
        command += case.get("tail", "") * int(case["repeat"])
    return command


def run(binary: Path, command: str, env: dict, cwd: Path) -> tuple[int | None, str]:
    try:
        proc = subprocess.run(
            [str(binary), "call", command],
            env=env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=TIMEOUT,
        )
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"") + (e.stderr or b"")
        return None, out.decode("utf-8", "replace")
    out = proc.stdout + proc.stderr
    return proc.returncode, out.decode("utf-8", "replace")


LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\dT[\d:.]+Z\s+(TRACE|DEBUG|INFO|WARN)\s")


# What the executor says when a request went out and got no answer.
NETWORK = re.compile(
    r"could not connect to \S+|did not answer within \d+ s|the response from \S+ (was cut off|is larger)"
)


def error_text(output: str) -> str:
    """The output without the tracing log lines (such as the AWS SDK's
    warning about the missing config files), which say nothing about the
    command."""
    return "\n".join(l for l in output.splitlines() if not LOG_LINE.match(l)).strip()


def check_case(
    case: dict, binary: Path, recorder: Recorder, work: Path, home: Path, cache: Path,
    lock: threading.Lock,
) -> tuple[list[str], str, int | None]:
    """Runs one case; returns (problems, output, exit status)."""
    env = environment(work, home, recorder.url, case.get("mode") == "read-only", cache)
    # Requests are attributed by counting around each run; run cases one at
    # a time under the lock so a request is never blamed on the wrong case.
    with lock:
        before = recorder.snapshot()
        code, output = run(binary, full_command(case), env, work)
        # The process has exited, and the recorder counts a request before
        # it answers it: every request the case made is counted here.
        sent = recorder.snapshot() - before
    problems = []
    if sent:
        problems.append(f"sent {sent} request(s)")
    attempt = NETWORK.search(output)
    if attempt:
        # A request that went somewhere other than the recorder (a real AWS
        # host, another endpoint) is an execution too.
        problems.append(f"tried the network: {attempt.group(0)!r}")
    if code is None:
        problems.append(f"timed out after {TIMEOUT} s")
    elif code == 0:
        problems.append("exited 0")
    elif code < 0:
        # A crash is no refusal: in the MCP server it would end the server.
        problems.append(f"killed by signal {-code}")
    text = error_text(output)
    if not text:
        problems.append("no error text")
    want = case.get("error")
    if want and want.lower() not in text.lower():
        problems.append(f"error text lacks {want!r}")
    return problems, output, code


class McpSession:
    """`aws-api-mcp` serving MCP on stdio, for the cases `call` cannot run."""

    def __init__(self, binary: Path, env: dict, cwd: Path) -> None:
        self.proc = subprocess.Popen(
            [str(binary)], env=env, cwd=cwd, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )
        self.next_id = 0
        self.request("initialize", {
            "protocolVersion": "2025-06-18", "capabilities": {},
            "clientInfo": {"name": "check_corpus", "version": "1"},
        })
        self.send({"jsonrpc": "2.0", "method": "notifications/initialized"})

    def send(self, message: dict) -> None:
        self.proc.stdin.write((json.dumps(message) + "\n").encode())
        self.proc.stdin.flush()

    def request(self, method: str, params: dict) -> dict | None:
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        timer = threading.Timer(TIMEOUT, self.proc.kill)
        timer.start()
        try:
            while True:
                line = self.proc.stdout.readline()
                if not line:
                    return None  # the server died (or was killed by the timer)
                message = json.loads(line)
                if message.get("id") == self.next_id and ("result" in message or "error" in message):
                    return message
        finally:
            timer.cancel()

    def close(self) -> None:
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()


def check_case_mcp(case: dict, session: McpSession, recorder: Recorder, lock: threading.Lock) -> tuple[list[str], str]:
    """Sends one case to `call_aws`; returns (problems, the result's text)."""
    with lock:
        before = recorder.snapshot()
        answer = session.request("tools/call", {"name": "call_aws", "arguments": {"cli_command": full_command(case)}})
        sent = recorder.snapshot() - before
    problems = []
    if sent:
        problems.append(f"sent {sent} request(s)")
    if answer is None:
        return problems + ["the MCP server died or timed out"], ""
    if "error" in answer:
        text = json.dumps(answer["error"])
    else:
        result = answer["result"]
        text = "\n".join(c.get("text", "") for c in result.get("content", []))
        if not result.get("isError"):
            problems.append("the tool result is not an error")
        try:
            body = json.loads(text)
        except ValueError:
            body = {}
        for item in body.get("results", []) if isinstance(body, dict) else []:
            if item.get("executed") or item.get("status") == "succeeded":
                problems.append(f"status {item.get('status')}, executed={item.get('executed')}")
    if NETWORK.search(text):
        problems.append("tried the network")
    if not text.strip():
        problems.append("no error text")
    want = case.get("error")
    if want and want.lower() not in text.lower():
        problems.append(f"error text lacks {want!r}")
    return problems, text


def report_failure(title: str, case: dict, problems: list[str], output: str) -> None:
    print(f"FAIL {title}")
    print(f"  reason: {case['reason']}")
    print(f"  problems: {'; '.join(problems)}")
    print("  output: " + output.strip().replace("\n", "\n          ")[:1500])


def validate_case(i: int, case: dict) -> list[str]:
    problems = []
    if not isinstance(case.get("command"), str):
        problems.append(f"case {i}: `command` missing or not a string")
    if not isinstance(case.get("reason"), str) or not case.get("reason"):
        problems.append(f"case {i}: `reason` missing or empty")
    unknown = set(case) - KNOWN_KEYS
    if unknown:
        problems.append(f"case {i}: unknown keys {sorted(unknown)}")
    if case.get("mode", "read-only") != "read-only":
        problems.append(f"case {i}: mode must be `read-only` if given")
    if "\n" in case.get("reason", ""):
        problems.append(f"case {i}: reason must be one line")
    return problems


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", type=Path, default=DEFAULT_BINARY)
    ap.add_argument("--cases", type=Path, default=DEFAULT_CASES)
    ap.add_argument("--filter", help="only cases whose command contains this")
    ap.add_argument("--verbose", "-v", action="store_true", help="print every case's output")
    ap.add_argument("--try", dest="try_command", action="append",
                    help="run this command and show what it does (repeatable)")
    ap.add_argument("--read-only", action="store_true", help="with --try: READ_OPERATIONS_ONLY=true")
    ap.add_argument("--mcp", action="store_true",
                    help="also check the mcp_only cases, through `call_aws` of the MCP server on stdio")
    args = ap.parse_args()

    if not args.binary.exists():
        print(f"no binary at {args.binary}", file=sys.stderr)
        return 2

    base = Path(tempfile.mkdtemp(prefix="adversarial-"))
    recorder = Recorder()
    lock = threading.Lock()
    try:
        work, home = build_fixture(base / "fx")
        cache = base / "state"
        (cache / "tmp").mkdir(parents=True)

        if args.try_command:
            for command in args.try_command:
                case = {"command": command}
                if args.read_only:
                    case["mode"] = "read-only"
                seen = len(recorder.log)
                problems, output, code = check_case(case, args.binary, recorder, work, home, cache, lock)
                print(f"=== {command!r}\nexit: {code}   requests: {len(recorder.log) - seen}")
                for line in recorder.log[seen:]:
                    print(f"  request: {line}")
                print("  " + error_text(output).replace("\n", "\n  ")[:1200])
                print("corpus-ready" if not problems else f"NOT corpus-ready: {'; '.join(problems)}")
            return 0

        with open(args.cases, "rb") as f:
            data = tomllib.load(f)
        cases = data.get("case", [])
        bad = [p for i, c in enumerate(cases, 1) for p in validate_case(i, c)]
        if bad:
            print("\n".join(bad))
            return 1

        sessions: dict[str, McpSession] = {}
        failures = 0
        skipped = 0
        checked = 0
        seen: set[tuple[str, str]] = set()
        duplicates = 0
        for i, case in enumerate(cases, 1):
            key = (full_command(case), case.get("mode", ""))
            if key in seen:
                duplicates += 1
                print(f"DUPLICATE case {i}: {case['command']!r}")
            seen.add(key)
            if args.filter and args.filter not in case["command"]:
                continue
            if case.get("mcp_only"):
                if not args.mcp:
                    skipped += 1
                    continue
                mode = case.get("mode", "")
                if mode not in sessions:
                    env = environment(work, home, recorder.url, mode == "read-only", cache)
                    sessions[mode] = McpSession(args.binary, env, work)
                checked += 1
                problems, text = check_case_mcp(case, sessions[mode], recorder, lock)
                shown = case["command"][:200] + ("..." if len(full_command(case)) > 200 else "")
                if problems:
                    failures += 1
                    report_failure(f"case {i} (MCP): {shown!r} (mode={case.get('mode', 'normal')})", case, problems, text)
                    if "died" in " ".join(problems):
                        sessions.pop(mode).close()
                elif args.verbose:
                    print(f"ok   case {i} (MCP): {shown!r}: {text.strip().splitlines()[0][:160] if text.strip() else ''}")
                continue
            checked += 1
            problems, output, code = check_case(case, args.binary, recorder, work, home, cache, lock)
            shown = case["command"] if len(case["command"]) < 200 else case["command"][:200] + "..."
            if problems:
                failures += 1
                report_failure(f"case {i}: {shown!r} (mode={case.get('mode', 'normal')}, exit={code})", case, problems, output)
            elif args.verbose:
                print(f"ok   case {i}: {shown!r} exit={code}: {output.strip().splitlines()[0] if output.strip() else ''}")
        for session in sessions.values():
            session.close()
        print(
            f"summary: {len(cases)} cases, {checked} checked, {checked - failures} passed, "
            f"{failures} failed, {skipped} skipped (mcp_only), {duplicates} duplicates, "
            f"{recorder.snapshot()} requests recorded in total"
        )
        return 1 if failures or duplicates else 0
    finally:
        recorder.close()
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

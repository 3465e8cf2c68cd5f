"""End-to-end checks of the aws-api-mcp binary through the official Python MCP SDK.

Usage: python python_client.py /path/to/aws-api-mcp

Needs `mcp==2.3.0` and `moto[server]==5.2.5` in the same environment: the
allowed commands run against a moto server this script starts on a free
loopback port (fake credentials, every endpoint on moto, instance metadata
off), so nothing leaves the machine. Prints one line per check and a closing
count; exits 0 only when every check passes.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable

import anyio
import mcp_types as types
from mcp import Client
from mcp.client.stdio import StdioServerParameters

GROUP_TIMEOUT = 60  # seconds for one group, server start-up included
PROTOCOL = "2025-11-25"
counts = {"ok": 0, "FAIL": 0}


def check(name: str, passed: bool, detail: object = "") -> bool:
    """Report one check."""
    if passed:
        status, line = "ok", f"ok   {name}"
    else:
        status, line = "FAIL", f"FAIL {name}: {detail}"
    counts[status] += 1
    print(line, flush=True)
    return passed


class Moto:
    """A moto server on a free loopback port, reset before each group."""

    def __init__(self) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(self.url + "/moto-api/", timeout=1).close()
                return
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    self.log.seek(0)
                    sys.exit(f"moto did not start on {self.url}:\n{self.log.read().decode(errors='replace')[-2000:]}")
                time.sleep(0.1)

    def reset(self) -> None:
        req = urllib.request.Request(self.url + "/moto-api/reset", data=b"", method="POST")
        urllib.request.urlopen(req, timeout=10).close()

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def aws_env(endpoint: str) -> dict[str, str]:
    """AWS settings that keep every request on `endpoint` (loopback)."""
    return {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": "/nonexistent/aws-config",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/aws-credentials",
        "AWS_MAX_ATTEMPTS": "1",
        "AWS_ENDPOINT_URL": endpoint,
    }


class Server:
    """How to start the binary: a clean environment in a fresh temporary folder,
    with AWS on moto."""

    def __init__(self, binary: str, home: str, moto: Moto):
        self.binary, self.home, self.moto = binary, home, moto

    def client(self, elicit: Callable | None = None, **env: str) -> Client:
        base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": self.home, "AWS_REGION": "us-east-1"}
        base.update(aws_env(self.moto.url))
        for var in ("WORKING_DIR", "CACHE_DIR", "LOG_DIR"):
            base[f"AWS_API_MCP_{var}"] = self.home
        assignments = [f"{k}={v}" for k, v in {**base, **env}.items()]
        # The SDK always passes on HOME, LOGNAME, PATH, SHELL, TERM and USER from
        # our environment; `env -i` gives the server exactly the variables above.
        env_binary = shutil.which("env") or "/usr/bin/env"
        params = StdioServerParameters(command=env_binary, args=["-i", *assignments, self.binary])
        # mode stays "auto", the SDK's default: it probes server/discover at
        # 2026-07-28 and falls back to initialize when the server refuses.
        return Client(params, elicitation_callback=elicit, read_timeout_seconds=GROUP_TIMEOUT)


async def call_aws(client: Client, commands: str | list[str]) -> tuple[types.CallToolResult, list[dict]]:
    result = await client.call_tool("call_aws", {"cli_command": commands})
    return result, (result.structured_content or {}).get("results") or []


def first(results: list[dict]) -> dict:
    return results[0] if results else {}


def summary(r: dict) -> str:
    keys = ("status", "decided_by", "consent", "access", "reason")
    return str({k: r.get(k) for k in keys if k in r})


async def check_handshake_and_tools(server: Server) -> None:
    for read_only in (True, False):
        flag = str(read_only).lower()
        async with server.client(READ_OPERATIONS_ONLY=flag) as client:
            if read_only:
                info = client.server_info
                check("initialize: server name aws-api-mcp", info is not None and info.name == "aws-api-mcp", info)
                check(
                    f"protocol version {PROTOCOL} (client default mode)",
                    client.protocol_version == PROTOCOL,
                    f"negotiated {client.protocol_version}",
                )
            tools = {t.name: t for t in (await client.list_tools()).tools}
            call = tools.get("call_aws")
            if not check("list_tools has call_aws", call is not None, sorted(tools)):
                continue
            hints = call.annotations or types.ToolAnnotations()
            check(
                f"call_aws readOnlyHint {flag} with READ_OPERATIONS_ONLY={flag}",
                hints.read_only_hint is read_only,
                hints,
            )
            if read_only:
                check("call_aws openWorldHint true", hints.open_world_hint is True, hints)
                check(
                    "call_aws inputSchema requires cli_command",
                    "cli_command" in call.input_schema.get("required", []),
                    call.input_schema.get("required"),
                )


async def check_policies(server: Server) -> None:
    cases = [  # command, expected status, expected decided_by
        ("aws ec2 describe-instances", "succeeded", None),
        ("aws iam create-user --user-name bob", "denied", "read-only"),
        ("aws configure list", "denied", "denylist"),
        ("aws ec2 describe-instances --debug", "denied", "validate"),
        ("aws ec3 ls", "invalid", None),
    ]
    async with server.client(READ_OPERATIONS_ONLY="true") as client:
        result, results = await call_aws(client, cases[0][0])
        r = first(results)
        check(
            "allowed and run: describe-instances is a read, moto answers",
            r.get("status") == "succeeded"
            and (r.get("access") or {}).get("class") == "read"
            and r.get("executed") is True
            and r.get("output") == {"Reservations": []}
            and not result.is_error,
            summary(r),
        )
        for command, status, policy in cases[1:4]:
            result, results = await call_aws(client, command)
            r = first(results)
            check(
                f"denied by {policy}: {command}",
                r.get("status") == status and r.get("decided_by") == policy and result.is_error,
                summary(r),
            )
        result, results = await call_aws(client, "aws ec3 ls")
        r = first(results)
        check(
            "invalid with a suggestion: aws ec3 ls",
            r.get("status") == "invalid" and "ec2" in (r.get("reason") or "") and result.is_error,
            summary(r),
        )

        batch = [c for c, _, _ in cases]
        result, results = await call_aws(client, batch)
        got = [(r.get("command"), r.get("status")) for r in results]
        want = [(c, s) for c, s, _ in cases]
        check("batch keeps order and verdicts", got == want and not result.is_error, got)
        await check_validate(client)
        await check_suggest(client)


async def check_suggest(client: Client) -> None:
    tools = {t.name: t for t in (await client.list_tools()).tools}
    tool = tools.get("suggest_aws_commands")
    if not check("suggest_aws_commands available, read-only", tool is not None
                 and tool.annotations is not None and tool.annotations.read_only_hint is True,
                 sorted(tools)):
        return
    result = await client.call_tool("suggest_aws_commands", {"query": "who am i"})
    suggestions = (result.structured_content or {}).get("suggestions") or []
    commands = [s.get("command") for s in suggestions]
    check(
        "suggest_aws_commands: 'who am i' -> sts get-caller-identity first",
        not result.is_error and commands[:1] == ["aws sts get-caller-identity"] and len(commands) == 5,
        commands,
    )
    result = await client.call_tool("suggest_aws_commands", {"query": ""})
    check("suggest_aws_commands: an empty query is a tool error", result.is_error, result)


async def check_validate(client: Client) -> None:
    tools = {t.name for t in (await client.list_tools()).tools}
    if not check("validate_aws_command available", "validate_aws_command" in tools, sorted(tools)):
        return
    result = await client.call_tool("validate_aws_command", {"cli_command": "aws s3api list-objects-v2 --bucket b"})
    body = result.structured_content or {}
    operation = (body.get("call") or {}).get("operation")
    access = (body.get("access") or {}).get("class")
    check(
        "validate_aws_command: ListObjectsV2 is a read",
        operation == "ListObjectsV2" and access == "read" and not result.is_error,
        f"operation={operation} access={access}",
    )


# The simulated user's answer, chosen by the user name in the command asked about,
# and the result expected: (check name, status, consent, isError).
ANSWERS = {
    "alice": types.ElicitResult(action="accept", content={"run": True}),
    "bob": types.ElicitResult(action="decline"),
    "carol": types.ElicitResult(action="accept", content={"run": False}),
    "dave": types.ElicitResult(action="cancel"),
}
EXPECTED = {
    "alice": ("consent accepted (run=true) -> it runs", "succeeded", "accepted", False),
    "bob": ("consent declined -> declined", "declined", "declined", True),
    "carol": ("consent accepted with run=false -> declined", "declined", "declined", True),
    "dave": ("consent cancelled -> declined", "declined", "cancelled", True),
}


async def check_consent(server: Server) -> None:
    asked: list[types.ElicitRequestParams] = []

    async def user(context: object, params: types.ElicitRequestParams) -> types.ElicitResult:
        asked.append(params)
        name = re.search(r"--user-name (\w+)", getattr(params, "message", ""))
        return ANSWERS.get(name.group(1) if name else "", types.ElicitResult(action="decline"))

    async with server.client(elicit=user, REQUIRE_MUTATION_CONSENT="true") as client:
        for user_name, (name, status, consent, is_error) in EXPECTED.items():
            command = f"aws iam create-user --user-name {user_name}"
            before = len(asked)
            result, results = await call_aws(client, command)
            r = first(results)
            if user_name == "alice":
                params = asked[before] if len(asked) > before else None
                schema = getattr(params, "requested_schema", None) or {}
                run = schema.get("properties", {}).get("run", {})
                check(
                    "consent: form elicitation names the command and asks for boolean `run`",
                    isinstance(params, types.ElicitRequestFormParams)
                    and command in params.message
                    and run.get("type") == "boolean",
                    params,
                )
            check(
                name,
                len(asked) == before + 1
                and r.get("status") == status
                and r.get("consent") == consent
                and result.is_error is is_error,
                f"asked {len(asked) - before}x, {summary(r)}",
            )
        before = len(asked)
        _, results = await call_aws(client, "aws ec2 describe-instances")
        check(
            "consent: a read runs without asking",
            first(results).get("status") == "succeeded" and len(asked) == before,
            summary(first(results)),
        )
        _, results = await call_aws(client, "aws iam list-users --query Users[].UserName")
        check(
            "consent: only the accepted user was created",
            first(results).get("output") == ["alice"],
            summary(first(results)),
        )

    async with server.client(REQUIRE_MUTATION_CONSENT="true") as client:  # no elicitation support
        result, results = await call_aws(client, "aws iam create-user --user-name erin")
        r = first(results)
        check(
            "consent unsupported by the client -> needs-consent",
            r.get("status") == "needs-consent"
            and "elicitation" in (r.get("reason") or "")
            and "consent" not in r
            and result.is_error,
            summary(r),
        )


async def check_execution(server: Server) -> None:
    async with server.client() as client:
        result, results = await call_aws(
            client,
            [
                "aws s3api create-bucket --bucket mcp-e2e",
                "aws s3api put-object --bucket mcp-e2e --key a.txt --body a.txt",
                "aws s3api list-objects-v2 --bucket mcp-e2e --query Contents[].Key",
                "aws s3api get-object --bucket mcp-e2e --key a.txt copy.txt",
            ],
        )
        statuses = [r.get("status") for r in results]
        check("a batch runs in order: create, put, list, get", statuses == ["succeeded"] * 4, [summary(r) for r in results])
        check("--query is applied to the output", len(results) > 2 and results[2].get("output") == ["a.txt"], results[2:3])
        result, results = await call_aws(client, ["aws s3 ls s3://mcp-e2e", "aws s3 cp s3://mcp-e2e/a.txt b.txt"])
        lines = [r.get("output") for r in results]
        check(
            "the CLI's own s3 commands answer with the lines they print",
            len(lines) == 2
            and isinstance(lines[0], str)
            and lines[0].endswith(" a.txt\n")
            and lines[1] == "download: s3://mcp-e2e/a.txt to ./b.txt\n",
            lines,
        )
        copy = os.path.join(server.home, "copy.txt")
        check(
            "get-object writes its outfile in the working directory",
            os.path.exists(copy) and open(copy).read() == "hello from the e2e test\n",
            copy,
        )

        for name in ("u1", "u2", "u3"):
            await call_aws(client, f"aws iam create-user --user-name {name}")
        result = await client.call_tool("call_aws", {"cli_command": "aws iam list-users", "max_results": 2})
        r = first((result.structured_content or {}).get("results") or [])
        users = [u.get("UserName") for u in (r.get("output") or {}).get("Users", [])]
        token = r.get("next_token")
        check("max_results cuts a listing and gives a token", users == ["u1", "u2"] and bool(token), summary(r))
        if token:
            _, results = await call_aws(client, f"aws iam list-users --starting-token {token} --query Users[].UserName")
            check("--starting-token resumes the listing", first(results).get("output") == ["u3"], summary(first(results)))

        result, results = await call_aws(client, "aws iam get-user --user-name nobody")
        r = first(results)
        error = r.get("error") or {}
        check(
            "an AWS error comes back with its code, message and HTTP status",
            r.get("status") == "failed"
            and error.get("code") == "NoSuchEntity"
            and error.get("http_status") == 404
            and "nobody" in (error.get("message") or "")
            and result.is_error,
            summary(r) + f" error={error}",
        )

        # --region *: a read in every enabled region, merged by region; a
        # write is refused before anything runs.
        result, results = await call_aws(client, "aws ec2 describe-vpcs --region * --query Vpcs[].IsDefault")
        r = first(results)
        output = r.get("output") or {}
        check(
            "--region * runs a read in every enabled region, merged by region",
            r.get("status") == "succeeded"
            and r.get("region") == "*"
            and len(output) > 10
            and output.get("us-east-1") == [True]
            and output.get("eu-west-1") == [True]
            and all(v.get("status") == "succeeded" for v in (r.get("regions") or {}).values()),
            summary(r) + f" regions={sorted(output)[:5]}",
        )
        result, results = await call_aws(client, "aws ec2 create-vpc --cidr-block 10.9.0.0/16 --region *")
        r = first(results)
        check(
            "--region * refuses a write",
            r.get("status") == "denied" and "--region" in (r.get("reason") or "") and result.is_error,
            summary(r),
        )

        # A waiter: the table exists at once on moto; the client hears of
        # the poll through progress notifications.
        await call_aws(
            client,
            "aws dynamodb create-table --table-name mcp-wait --attribute-definitions AttributeName=id,AttributeType=S"
            " --key-schema AttributeName=id,KeyType=HASH --billing-mode PAY_PER_REQUEST",
        )
        heard: list[tuple[float, float | None, str | None]] = []

        async def progress(done: float, total: float | None, message: str | None) -> None:
            heard.append((done, total, message))

        result = await client.call_tool(
            "call_aws",
            {"cli_command": "aws dynamodb wait table-exists --table-name mcp-wait"},
            progress_callback=progress,
        )
        r = first((result.structured_content or {}).get("results") or [])
        await anyio.sleep(0.2)  # notifications may trail the answer
        check(
            "a waiter succeeds and reports its polls as progress",
            r.get("status") == "succeeded"
            and any("TableExists" in (m or "") and t == 25 for _, t, m in heard),
            f"{summary(r)} progress={heard}",
        )

        _, results = await call_aws(client, "aws iam list-users --output text --query Users[].UserName")
        check("text output is a string as the CLI prints it", first(results).get("output") == "u1\tu2\tu3\n", summary(first(results)))


def describe(e: BaseException) -> str:
    if isinstance(e, TimeoutError):
        return f"no answer within {GROUP_TIMEOUT} s"
    if isinstance(getattr(e, "exceptions", None), (list, tuple)):  # a task group's ExceptionGroup
        return "; ".join(describe(sub) for sub in e.exceptions)
    return f"{type(e).__name__}: {e}"


async def main(binary: str) -> int:
    groups = [check_handshake_and_tools, check_policies, check_consent, check_execution]
    moto = Moto()
    try:
        for group in groups:
            moto.reset()
            with tempfile.TemporaryDirectory(prefix="aws-api-mcp-client-") as home:
                with open(os.path.join(home, "a.txt"), "w") as f:
                    f.write("hello from the e2e test\n")
                try:
                    with anyio.fail_after(GROUP_TIMEOUT):
                        await group(Server(binary, home, moto))
                except Exception as e:  # noqa: BLE001 -- a dead or hung server fails its group, not the run
                    check(group.__name__, False, describe(e))
    finally:
        moto.stop()
    print(f"{counts['ok']} passed, {counts['FAIL']} failed")
    return 1 if counts["FAIL"] else 0


if __name__ == "__main__":
    if len(sys.argv) != 2 or not os.access(sys.argv[1], os.X_OK):
        sys.exit("usage: python python_client.py /path/to/aws-api-mcp (an executable)")
    sys.exit(anyio.run(main, os.path.abspath(sys.argv[1])))

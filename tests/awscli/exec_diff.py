#!/usr/bin/env python3
"""Execution differential: the real AWS CLI v1 against our host, on moto.

Usage:

    exec_diff.py --venv DIR --host-cmd 'target/debug/aws-api-mcp call' \\
        [--only GROUP]... [--report FILE] [--workdir DIR] [--verbose] \\
        [--isolate auto|yes|no] tests/awscli/exec/*.toml

DIR is the virtualenv that tests/awscli/prepare.sh makes (awscli 1.46.3 and
moto[server] 5.2.5). The driver starts one moto server on a free loopback port
and stops it at the end (also on an error, on ctrl-c and on SIGTERM). Every
command gets AWS_ENDPOINT_URL pointing at moto, fake credentials, empty
config files, and no proxy variables.

Nothing may be sent anywhere but 127.0.0.1, and AWS_ENDPOINT_URL alone does
not promise that: the CLI v1 sends sqs (and emr, rds, docdb, neptune, health)
to a fixed AWS endpoint in most regions unless ``--endpoint-url`` is on the
command line. So by default (``--isolate auto``) the driver re-executes
itself under ``unshare -rn``, in a network namespace where only loopback
exists; moto, the CLI and the host all run inside it. Where unshare does not
work, the driver warns and refuses to run steps of those services that lack
``--endpoint-url`` (``--isolate yes`` makes the namespace mandatory).

Case files
----------
One TOML file per group (the group's name is the file's stem). Each
``[[step]]`` table has:

``command``
    The command line, starting with ``aws``, as a user would type it (split
    with shell rules). ``{name}`` is replaced with a value captured by an
    earlier step (only names that some ``capture`` of the file declares are
    replaced, so JSON braces in arguments are left alone). ``{endpoint}`` is
    the moto URL, for ``--endpoint-url {endpoint}``.
``capture`` (optional)
    ``{ name = "Dotted.Path[0].Key" }``: values taken from this step's JSON
    output. Every run captures from its own outputs.
``error`` (optional)
    The step must fail. The value is the error code the CLI prints in
    ``An error occurred (CODE) when calling ...``, or ``"*"`` for any failure.
``ignore`` (optional)
    Extra JSON paths whose values are not compared, written like capture
    paths with ``[*]`` for any index. Only for values that the automatic rule
    below cannot find; say why in a comment.
``files`` (optional)
    Names of files in the working directory (written by the step, e.g. the
    outfile of ``s3api get-object``) whose bytes must be the same afterwards.
``known_difference`` (optional)
    Why the host's answer is known to differ from the CLI's here. Such a step
    is reported as ``known`` rather than failing the run; if it matches, the
    run fails so that a stale note is removed.

Runs
----
For each group the driver resets moto (``POST /moto-api/reset``) and runs all
steps with the real CLI (run A), resets and runs them again with the real CLI
(run B), then resets and runs them with the host (run H). Every run starts
from a fresh working directory that holds only the fixture files the driver
writes (see ``write_fixtures``: ``fn.zip``, ``hello.txt``, the 200 files of
``tree200/``, ...; the 64 MiB ``big64.bin`` only for a group whose steps name
it); the commands run with that directory as their cwd, and the host also gets
AWS_API_MCP_WORKING_DIR pointing at it. A step of run B starts at least
1.1 s after the same step of run A, so that values with one-second
resolution (timestamps) differ between A and B and are found volatile.

The host is called as ``<host-cmd> '<command line>'``: one extra argument
that holds the whole command line after placeholder substitution. It must
print what the CLI prints on stdout; on an AWS error it exits with 254 and
stderr holds ``An error occurred (CODE) when calling the OP operation: MSG``;
other failures exit with 252 or 255.

Self-check mode: when the last word of ``--host-cmd`` is ``aws`` or ends with
``awscli`` (e.g. ``--host-cmd "$VENV/bin/python -m awscli"``), the host is the
CLI itself: the command line is split with shlex, its leading ``aws`` is
dropped, and the words are passed as separate arguments. Every step must
match in this mode; it checks the case files and this driver.

Comparison
----------
A step whose run A does not do what the case says (fails without ``error``,
succeeds or fails with another code with ``error``, misses a capture) or whose
runs A and B disagree on success is reported as ``bad-case``.

Error steps: the host must fail too. When the CLI printed an error code (an
AWS error) the host must print the same code and exit with 254 (the CLI v1
exits with 255; in self-check mode the host must exit like the CLI). When the
CLI failed otherwise (2 for a usage error, 255 for a parameter or client
error) the host must fail with any code but 254.

Other steps: the host must exit with 0 and then:

* JSON output (``--output json``, the default, when stdout parses as JSON;
  empty stdout must stay empty): the outputs of A and B are walked together.
  A path whose value differs between A and B is volatile (ids, timestamps,
  request ids, ETags of random data, ...). The host's output must have the
  same structure as run A's: the same keys in the same order, the same list
  lengths and the same JSON types everywhere, and the same values everywhere
  except at volatile paths and at the step's ``ignore`` paths. Where A and B
  disagree on structure (a key in one only, lists of different lengths, a
  different type), the whole subtree is volatile: it must exist in the host's
  output, nothing more. When run A's stdout is exactly
  ``json.dumps(value, indent=4, ensure_ascii=False) + "\\n"`` (how the CLI
  prints), the host's stdout must be its own value printed the same way, so
  indentation and escaping are checked too.
* Other output (``--output text``, ``table``, ``yaml``, or stdout that is
  not JSON): the three outputs must have the same number of lines. A line
  that is the same in A and B must be the same in the host's output. A line
  that differs between A and B is compared word by word (split on white
  space): it must have the same number of words as A's line when A and B
  have the same number, and the words that are equal in A and B must be equal
  in the host's line; words that differ between A and B are wildcards. A
  line whose word count differs between A and B only has to exist.
* ``files``: the files must exist after the step in both A and H and have
  the same bytes, unless their bytes differ between A and B.

Output: a summary line ``exec differential: N steps, M match, K differ``
(bad-case steps count as differing), then for each differing step its group,
number, command and a compact diff. ``--report FILE`` writes one JSON line per
step: ``{group, step, command, status, detail, volatile}`` with status
``match``, ``differ`` or ``bad-case``, the diff lines, and the volatile JSON
paths (or output lines) found; command is run A's line after substitution.
The exit code is 0 only if every step matches.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import re
import shlex
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Seconds one command may take before it counts as failed.
STEP_TIMEOUT = 120
# Minimum seconds between a step of run A and the same step of run B.
RUN_GAP = 1.1
# The host's exit code for an AWS error (the CLI v1 exits with 255).
HOST_AWS_ERROR_RC = 254
# Marker file in a working directory this driver created (and may empty).
WORKDIR_MARKER = ".exec-diff-workdir"
# Set in the environment of the driver once it runs in its own network namespace.
ISOLATED_ENV = "EXEC_DIFF_ISOLATED"
# The CLI v1 gives these services a fixed endpoint in most regions
# (awscli/customizations/overridesslcommonname.py) unless --endpoint-url is
# on the command line: AWS_ENDPOINT_URL does not apply to them and the
# request would go to AWS (e.g. sqs in us-east-1 to https://queue.amazonaws.com).
ENDPOINT_OVERRIDE_SERVICES = {"sqs", "emr", "rds", "docdb", "neptune", "health"}
ERROR_RE = re.compile(r"An error occurred \(([^)]*)\) when calling the (\S+) operation")
PLACEHOLDER_RE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
PATH_TOKEN_RE = re.compile(r"([^.\[\]]+)|\[(\*|-?\d+)\]")

JsonPath = tuple  # a concrete JSON path: a tuple of str keys and int indexes


# --------------------------------------------------------------------------
# Case files


@dataclass
class Step:
    number: int  # 1-based position in the group
    command: str
    capture: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    ignore: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    known_difference: str | None = None


@dataclass
class Group:
    name: str
    path: Path
    steps: list[Step]
    capture_names: set[str]
    large: bool = False  # some step names LARGE_FIXTURE: write it for this group


def load_group(path: Path) -> Group:
    """Reads and checks one case file."""
    with open(path, "rb") as f:
        data = tomllib.load(f)
    unknown = set(data) - {"step"}
    if unknown:
        raise ValueError(f"{path}: unknown top-level keys {sorted(unknown)}")
    steps = []
    names: set[str] = set()
    for i, raw in enumerate(data.get("step", []), 1):
        extra = set(raw) - {"command", "capture", "error", "ignore", "files", "known_difference"}
        if extra:
            raise ValueError(f"{path}: step {i}: unknown keys {sorted(extra)}")
        command = raw.get("command")
        if not isinstance(command, str) or shlex.split(command)[:1] != ["aws"]:
            raise ValueError(f"{path}: step {i}: command must start with 'aws'")
        step = Step(
            number=i,
            command=command,
            capture=dict(raw.get("capture", {})),
            error=raw.get("error"),
            ignore=list(raw.get("ignore", [])),
            files=list(raw.get("files", [])),
            known_difference=raw.get("known_difference"),
        )
        for pattern in [*step.capture.values(), *step.ignore]:
            parse_path_pattern(pattern)  # raises on a malformed path
        names.update(step.capture)
        steps.append(step)
    if not steps:
        raise ValueError(f"{path}: no [[step]]")
    large = any(LARGE_FIXTURE in s.command or LARGE_FIXTURE in " ".join(s.files) for s in steps)
    return Group(path.stem, path, steps, names, large)


def parse_path_pattern(text: str) -> list[str | int | None]:
    """'A.B[0].C[*]' -> ['A', 'B', 0, 'C', None]; None stands for [*]."""
    out: list[str | int | None] = []
    pos = 0
    for m in PATH_TOKEN_RE.finditer(text):
        between = text[pos : m.start()]
        if between not in ("", "."):
            raise ValueError(f"bad path {text!r}")
        pos = m.end()
        if m.group(1) is not None:
            out.append(m.group(1))
        else:
            out.append(None if m.group(2) == "*" else int(m.group(2)))
    if pos != len(text) or not out:
        raise ValueError(f"bad path {text!r}")
    return out


def pattern_matches(pattern: list[str | int | None], path: JsonPath) -> bool:
    """True if the concrete path is the pattern's path or lies below it."""
    if len(path) < len(pattern):
        return False
    for want, got in zip(pattern, path):
        if want is None:
            if not isinstance(got, int):
                return False
        elif want != got:
            return False
    return True


def extract(value: Any, pattern: list[str | int | None]) -> Any:
    """The value at a capture path; raises KeyError if it is missing."""
    for key in pattern:
        if isinstance(key, str) and isinstance(value, dict) and key in value:
            value = value[key]
        elif isinstance(key, int) and isinstance(value, list) and -len(value) <= key < len(value):
            value = value[key]
        else:
            raise KeyError(key)
    return value


def format_path(path: JsonPath) -> str:
    out = ""
    for key in path:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else key)
    return out or "<root>"


# --------------------------------------------------------------------------
# Moto and the environment


class Moto:
    """A moto server on a free loopback port, stopped by stop()."""

    def __init__(self, venv: Path, log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(log, "wb")
        self.proc = subprocess.Popen(
            [str(venv / "bin" / "moto_server"), "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=base_env(),
            start_new_session=True,  # its own process group, so ctrl-c reaches only us
        )
        self.log_path = log
        deadline = time.monotonic() + 60
        while True:
            if self.proc.poll() is not None:
                self.log.close()
                raise RuntimeError(f"moto_server exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                self.reset()
                return
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"moto_server did not answer on {self.url}:\n{self.log_tail()}")
                time.sleep(0.2)

    def log_tail(self) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-20:])

    def reset(self) -> None:
        req = urllib.request.Request(self.url + "/moto-api/reset", data=b"", method="POST")
        with NO_PROXY_OPENER.open(req, timeout=30) as resp:
            resp.read()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


# urllib without any proxy from the environment: the reset goes to loopback.
NO_PROXY_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def base_env() -> dict[str, str]:
    """The inherited environment without AWS settings and proxies."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("AWS_") and k.lower() not in ("http_proxy", "https_proxy", "all_proxy")
    }
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    return env


def command_env(moto_url: str, workdir: Path) -> dict[str, str]:
    env = base_env()
    env.update(
        AWS_ENDPOINT_URL=moto_url,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_REGION="us-east-1",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE="/dev/null",
        AWS_SHARED_CREDENTIALS_FILE="/dev/null",
        AWS_PAGER="",
        AWS_API_MCP_WORKING_DIR=str(workdir),
    )
    return env


# --------------------------------------------------------------------------
# The working directory


FIXTURE_TIME = 1_577_836_800  # 2020-01-01T00:00:00Z
# The 64 MiB fixture: written only for a group whose steps name it.
LARGE_FIXTURE = "big64.bin"
LARGE_FIXTURE_MIB = 64


def tree200_files() -> list[tuple[str, bytes]]:
    """The 200 files of ``tree200/``: paths relative to it and contents.

    Four levels of folders, mixed extensions (.txt .log .json .csv .tmp, a
    few .csv.gz and .tar.gz, which the CLI gives a content type), two empty
    files, names with a space and a non-ASCII letter, and names that sort
    differently by path component than by whole key (``data.csv`` next to
    ``data/``, ``docs/a-b.txt`` next to ``docs/a/``), as S3 and the CLI sort
    them. Contents are small text of varied sizes, all from the path, so
    they are the same on every run; ``reports/daily/2024-01-0[1-4].csv``
    have the same size (for same-size overwrites).
    """
    names: list[str] = ["README.txt", "index.json", "data.csv", "logs.txt", "empty.txt"]
    for year in (2023, 2024):
        for q in (1, 2, 3, 4):
            base = f"data/{year}/q{q}"
            names += [f"{base}/sales.csv", f"{base}/costs.csv", f"{base}/stock.csv", f"{base}/meta.json", f"{base}/scratch.tmp"]
    names += ["data/summary.json", "data/2024.csv"]
    names += [f"logs/app/2024-01-{d:02d}.log" for d in range(1, 16)]
    names += [f"logs/app/archive/2023-12-{d:02d}.log" for d in range(25, 32)]
    names += [f"logs/web/access-{d:02d}.log" for d in range(1, 16)]
    names += ["logs/web/upload.tmp", "logs/web/rotate.tmp"]
    names += [f"logs/web/errors/error-{d:02d}.log" for d in range(1, 7)]
    names += [f"reports/daily/2024-01-{d:02d}.csv" for d in range(1, 21)]
    names += [f"reports/monthly/2023-{m:02d}.json" for m in range(1, 13)]
    names += [f"reports/drafts/draft-{n}.tmp" for n in range(1, 6)]
    names += [f"reports/drafts/idea-{n}.txt" for n in range(1, 4)]
    names += ["docs/a.txt", "docs/a-b.txt", "docs/a/b.txt", "docs/a/c/d.json"]
    names += [f"docs/guide/chapter-{n:02d}.txt" for n in range(1, 14)]
    names += ["docs/notes/meeting notes.txt", "docs/notes/caf\u00e9.txt", "docs/notes/empty.log"]
    names += [f"exports/2024-0{m}.csv.gz" for m in range(1, 5)] + ["exports/backup-1.tar.gz", "exports/backup-2.tar.gz"]
    names += [f"tmp/cache-{n:02d}.tmp" for n in range(1, 11)]
    names += [f"tmp/sessions/s{n}/state.json" for n in range(1, 9)]
    names += [f"tmp/sessions/s{n}/lock.tmp" for n in range(1, 9)]
    names += [f"media/thumbs/t{n:02d}.txt" for n in range(1, 13)]
    names += ["config/app.json", "config/env/dev.json", "config/env/prod.json", "config/env/test.json"]
    assert len(names) == len(set(names)) == 200, len(names)
    out = []
    for i, name in enumerate(names):
        if name.endswith(("empty.txt", "empty.log")):
            body = b""
        elif name.startswith("reports/daily/2024-01-0") and name[-5] in "1234":
            body = f"date,total\n{name[-14:-4]},{1000 + int(name[-5])}\n".encode()
        else:
            line = f"{name} line {i}\n".encode()
            body = line * (1 + (i * 37) % 61)
        out.append((name, body))
    return out


def write_large_fixture(path: Path) -> None:
    """64 MiB of deterministic bytes: every 1 MiB block starts with its
    number, so the eight 8 MiB parts of a multipart upload differ."""
    block = bytes(range(256)) * 4096
    with open(path, "wb") as f:
        for i in range(LARGE_FIXTURE_MIB):
            f.write(i.to_bytes(8, "big") * 128 + block[1024:])


def write_fixtures(workdir: Path, large: bool = False) -> None:
    """Empties the working directory and writes the files case steps use.

    large: also write the 64 MiB ``big64.bin`` (LARGE_FIXTURE), which only
    the groups that name it in a step need (see Group.large); writing it
    for every run of every group would cost time and disk for nothing.
    """
    if workdir.exists():
        if any(workdir.iterdir()) and not (workdir / WORKDIR_MARKER).exists():
            raise RuntimeError(f"{workdir} is not empty and was not made by exec_diff.py")
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    (workdir / WORKDIR_MARKER).write_text("made by tests/awscli/exec_diff.py; emptied on every run\n")
    # A Lambda deployment package with a fixed timestamp, so its bytes (and
    # CodeSha256) are the same on every run.
    source = b'def handler(event, context):\n    return {"ok": True}\n'
    with zipfile.ZipFile(workdir / "fn.zip", "w") as z:
        z.writestr(zipfile.ZipInfo("index.py", (2020, 1, 1, 0, 0, 0)), source)
    with zipfile.ZipFile(workdir / "layer.zip", "w") as z:
        z.writestr(zipfile.ZipInfo("python/util.py", (2020, 1, 1, 0, 0, 0)), b"X = 1\n")
    (workdir / "hello.txt").write_text("hello, world\n")
    (workdir / "data.json").write_text('{"name": "diff", "values": [1, 2, 3]}\n')
    (workdir / "blob.bin").write_bytes(bytes(range(256)) * 64)
    # Above the CLI's 8 MiB multipart threshold: three parts.
    (workdir / "big.bin").write_bytes(bytes(range(256)) * (80 * 1024))
    # A CodeDeploy application folder for `deploy push` (a hidden file that
    # --ignore-hidden-files leaves out), and one without its appspec.yml.
    for rel, text in [
        ("deploy-app/appspec.yml", "version: 0.0\nos: linux\nfiles:\n  - source: /\n    destination: /srv/app\n"),
        ("deploy-app/index.html", "<h1>diff</h1>\n"),
        ("deploy-app/scripts/start.sh", "#!/bin/sh\necho start\n"),
        ("deploy-app/.env", "SECRET=1\n"),
        ("deploy-noapp/index.html", "<h1>no appspec</h1>\n"),
    ]:
        path = workdir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    # A small tree for recursive copies and filters.
    for rel, text in [("a.txt", "a\n"), ("sub/b.txt", "bb\n"), ("sub/c.json", "{}\n"), ("skip.log", "log\n")]:
        path = workdir / "tree" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    # 200 files in nested folders for sync and recursive filters.
    for rel, body in tree200_files():
        path = workdir / "tree200" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
    if large:
        write_large_fixture(workdir / LARGE_FIXTURE)
    # Request parameters in files (file:// arguments).
    (workdir / "trust.json").write_text(
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "lambda.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            },
            indent=2,
        )
        + "\n"
    )
    (workdir / "policy.json").write_text(
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
            },
            indent=2,
        )
        + "\n"
    )
    (workdir / "delete.json").write_text(
        json.dumps({"Objects": [{"Key": "many/k03"}, {"Key": "many/k04"}, {"Key": "no-such-key"}], "Quiet": False})
        + "\n"
    )
    (workdir / "template.json").write_text(
        json.dumps(
            {
                "AWSTemplateFormatVersion": "2010-09-09",
                "Description": "exec differential stack",
                "Parameters": {"QueueName": {"Type": "String", "Default": "diff-cfn-queue"}},
                "Resources": {
                    "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Ref": "QueueName"}}},
                    "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "diff-cfn-topic"}},
                },
                "Outputs": {"QueueUrl": {"Value": {"Ref": "Queue"}}},
            },
            indent=2,
        )
        + "\n"
    )
    (workdir / "item.json").write_text(
        json.dumps({"pk": {"S": "user#3"}, "sk": {"N": "3"}, "name": {"S": "Carol"}, "tags": {"SS": ["a", "b"]}}) + "\n"
    )
    write_cfn_fixtures(workdir)
    write_emr_fixtures(workdir)
    # Fixtures older than anything uploaded, as files usually are: `s3 sync`
    # compares times, and a file written in the same second as its upload
    # would look newer than the object (S3 times have whole seconds), which
    # the fast host would meet and the slow CLI would not.
    for path in workdir.rglob("*"):
        if path.is_file():
            os.utime(path, (FIXTURE_TIME, FIXTURE_TIME))


def write_cfn_fixtures(workdir: Path) -> None:
    """Templates and artifacts for `cloudformation deploy` and `package`
    (group cloudformation-deploy): ``cfn-*.json``/``.yaml`` at the top and
    ``cfn/`` with a template whose artifacts are files (S3 keys are the md5
    of their bytes), a nested template and a folder artifact (``cfn/src``).
    """
    stack = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "exec differential deploy stack",
        "Parameters": {
            "QueueName": {"Type": "String", "Default": "diff-deploy-queue"},
            "Env": {"Type": "String", "Default": "dev"},
        },
        "Resources": {
            "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Ref": "QueueName"}}},
            "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": {"Fn::Sub": "diff-deploy-${Env}"}}},
        },
        "Outputs": {"QueueArn": {"Value": {"Fn::GetAtt": ["Queue", "Arn"]}}},
    }
    (workdir / "cfn-stack.json").write_text(json.dumps(stack, indent=2) + "\n")
    # The same stack with one more resource (an update with changes).
    stack["Resources"]["Extra"] = {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Fn::Sub": "${QueueName}-extra"}}}
    (workdir / "cfn-stack-v2.json").write_text(json.dumps(stack, indent=2) + "\n")
    # No parameters: moto reports an unchanged template as a FAILED change set
    # ("The submitted information didn't contain changes."), as AWS does.
    (workdir / "cfn-static.json").write_text(
        json.dumps({"Resources": {"Topic": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "diff-static"}}}}, indent=2)
        + "\n"
    )
    (workdir / "cfn-stack.yaml").write_text(
        "AWSTemplateFormatVersion: '2010-09-09'\n"
        "Description: yaml stack with short-form intrinsics\n"
        "Parameters:\n"
        "  Env:\n"
        "    Type: String\n"
        "    Default: dev\n"
        "Resources:\n"
        "  Queue:\n"
        "    Type: AWS::SQS::Queue\n"
        "    Properties:\n"
        "      QueueName: !Sub 'diff-yaml-${Env}'\n"
        "  Topic:\n"
        "    Type: AWS::SNS::Topic\n"
        "    Properties:\n"
        "      TopicName: !Join ['-', [diff, yaml, !Ref Env]]\n"
        "Outputs:\n"
        "  QueueArn:\n"
        "    Value: !GetAtt Queue.Arn\n"
        "  TopicArn:\n"
        "    Value: !GetAtt [Topic, TopicArn]\n"
    )
    (workdir / "cfn-params.json").write_text(json.dumps(["Env=json", "QueueName=diff-deploy-json"]) + "\n")
    (workdir / "cfn-bad.yaml").write_text("Resources:\n  Queue: [unclosed\n")
    # Above the 51,200 bytes a TemplateBody may have.
    big = {
        "Description": "a template above 51,200 bytes",
        "Metadata": {"Filler": [f"line {i:03d} " + "x" * 90 for i in range(520)]},
        "Resources": {"Topic": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "diff-big"}}},
    }
    (workdir / "cfn-big.json").write_text(json.dumps(big, indent=2) + "\n")
    # package: a template in cfn/ whose artifacts are files (md5-named keys).
    pkg = workdir / "cfn"
    pkg.mkdir()
    (pkg / "api.json").write_text(json.dumps({"swagger": "2.0", "info": {"title": "diff", "version": "1"}, "paths": {}}) + "\n")
    (pkg / "job.py").write_text("print('glue job')\n")
    (pkg / "machine.json").write_text(json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}) + "\n")
    (pkg / "snippet.yaml").write_text("Description: included snippet\n")
    (pkg / "app.yaml").write_text(
        "AWSTemplateFormatVersion: '2010-09-09'\n"
        "Description: packaged by the exec differential, with a description long enough that the YAML dumper folds it\n"
        "Parameters:\n"
        "  Env:\n"
        "    Type: String\n"
        "    Default: dev\n"
        "Resources:\n"
        "  Function:\n"
        "    Type: AWS::Lambda::Function\n"
        "    Properties:\n"
        "      FunctionName: !Sub 'diff-pkg-${Env}'\n"
        "      Runtime: python3.12\n"
        "      Handler: index.handler\n"
        "      Role: arn:aws:iam::123456789012:role/diff-pkg-role\n"
        "      Code: ../fn.zip\n"
        "  Layer:\n"
        "    Type: AWS::Lambda::LayerVersion\n"
        "    Properties:\n"
        "      Content: ../layer.zip\n"
        "  ServerlessFunction:\n"
        "    Type: AWS::Serverless::Function\n"
        "    Properties:\n"
        "      CodeUri: ../fn.zip\n"
        "      Handler: index.handler\n"
        "      Runtime: python3.12\n"
        "  Api:\n"
        "    Type: AWS::ApiGateway::RestApi\n"
        "    Properties:\n"
        "      BodyS3Location: api.json\n"
        "  Job:\n"
        "    Type: AWS::Glue::Job\n"
        "    Properties:\n"
        "      Role: diff\n"
        "      Command:\n"
        "        Name: glueetl\n"
        "        ScriptLocation: job.py\n"
        "  Machine:\n"
        "    Type: AWS::StepFunctions::StateMachine\n"
        "    Properties:\n"
        "      RoleArn: arn:aws:iam::123456789012:role/diff-sfn\n"
        "      DefinitionS3Location: machine.json\n"
        "  Nested:\n"
        "    Type: AWS::CloudFormation::Stack\n"
        "    Properties:\n"
        "      TemplateURL: nested.yaml\n"
        "      Parameters:\n"
        "        Env: !Ref Env\n"
        "  Remote:\n"
        "    Type: AWS::CloudFormation::Stack\n"
        "    Properties:\n"
        "      TemplateURL: https://example.com/remote.yaml\n"
        "  Existing:\n"
        "    Type: AWS::Lambda::Function\n"
        "    Properties:\n"
        "      Runtime: python3.12\n"
        "      Handler: index.handler\n"
        "      Role: arn:aws:iam::123456789012:role/diff-pkg-role\n"
        "      Code: s3://diff-elsewhere/code.zip\n"
        "  Inline:\n"
        "    Type: AWS::Lambda::Function\n"
        "    Properties:\n"
        "      Runtime: python3.12\n"
        "      Handler: index.handler\n"
        "      Role: arn:aws:iam::123456789012:role/diff-pkg-role\n"
        "      Code:\n"
        "        ZipFile: |\n"
        "          def handler(event, context):\n"
        "              return 'inline'\n"
        "  Queue:\n"
        "    Type: AWS::SQS::Queue\n"
        "    Properties:\n"
        "      QueueName: !Join ['-', [diff, pkg, !Ref Env]]\n"
        "      Tags:\n"
        "        - Key: enabled\n"
        "          Value: 'true'\n"
        "        - Key: count\n"
        "          Value: '3'\n"
        "      Fn::Transform:\n"
        "        Name: AWS::Include\n"
        "        Parameters:\n"
        "          Location: snippet.yaml\n"
        "Outputs:\n"
        "  FunctionArn:\n"
        "    Value: !GetAtt Function.Arn\n"
        "  QueueUrl:\n"
        "    Value: !Ref Queue\n"
        "    Condition: !Equals [!Ref Env, dev]\n"
    )
    (pkg / "nested.yaml").write_text(
        "Parameters:\n"
        "  Env:\n"
        "    Type: String\n"
        "Resources:\n"
        "  NestedFunction:\n"
        "    Type: AWS::Lambda::Function\n"
        "    Properties:\n"
        "      Runtime: python3.12\n"
        "      Handler: index.handler\n"
        "      Role: arn:aws:iam::123456789012:role/diff-pkg-role\n"
        "      Code: ../fn.zip\n"
        "  NestedTopic:\n"
        "    Type: AWS::SNS::Topic\n"
        "    Properties:\n"
        "      TopicName: !Sub 'diff-nested-${Env}'\n"
    )
    # A deployable packaged stack: a Lambda function from fn.zip and a queue.
    (pkg / "fn-stack.json").write_text(
        json.dumps(
            {
                "Resources": {
                    "Function": {
                        "Type": "AWS::Lambda::Function",
                        "Properties": {
                            "FunctionName": "diff-packaged-fn",
                            "Runtime": "python3.12",
                            "Handler": "index.handler",
                            "Role": "arn:aws:iam::123456789012:role/diff-cfn-lambda",
                            "Code": "../fn.zip",
                        },
                    },
                    "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "diff-packaged-queue"}},
                },
                "Outputs": {"Arn": {"Value": {"Fn::GetAtt": ["Function", "Arn"]}}},
            },
            indent=2,
        )
        + "\n"
    )
    # A folder artifact: zipped, so its key is the md5 of the zip's bytes.
    src = pkg / "src"
    src.mkdir()
    (src / "index.py").write_text('def handler(event, context):\n    return "dir"\n')
    (src / "util.py").write_text("X = 2\n")
    (pkg / "dir-stack.yaml").write_text(
        "Resources:\n"
        "  Function:\n"
        "    Type: AWS::Lambda::Function\n"
        "    Properties:\n"
        "      Runtime: python3.12\n"
        "      Handler: index.handler\n"
        "      Role: arn:aws:iam::123456789012:role/diff-pkg-role\n"
        "      Code: src\n"
    )
    (pkg / "missing.yaml").write_text(
        "Resources:\n"
        "  Function:\n"
        "    Type: AWS::Lambda::Function\n"
        "    Properties:\n"
        "      Code: no-such-dir/code.zip\n"
    )


def write_emr_fixtures(workdir: Path) -> None:
    """JSON values for `emr create-cluster` and `add-steps` (group emr):
    ``emr-configurations.json`` (--configurations: one classification with
    Properties, one with nested Configurations), ``emr-instance-groups.json``
    (--instance-groups: named MASTER and CORE groups, the CORE one with an
    EbsConfiguration, and an unnamed TASK group with a BidPrice) and
    ``emr-steps.json`` (--steps: custom JAR steps with Args, MainClass and
    Properties as the CLI's "k=v,k2=v2" string, a Spark and a Streaming
    step).
    """
    configurations = [
        {
            "Classification": "spark-defaults",
            "Properties": {"spark.executor.memory": "4g", "spark.dynamicAllocation.enabled": "true"},
        },
        {
            "Classification": "hadoop-env",
            "Configurations": [{"Classification": "export", "Properties": {"JAVA_HOME": "/usr/lib/jvm/java-1.8.0"}}],
        },
    ]
    (workdir / "emr-configurations.json").write_text(json.dumps(configurations, indent=2) + "\n")
    groups = [
        {"Name": "Primary", "InstanceGroupType": "MASTER", "InstanceCount": 1, "InstanceType": "m5.xlarge"},
        {
            "Name": "Workers",
            "InstanceGroupType": "CORE",
            "InstanceCount": 2,
            "InstanceType": "m5.2xlarge",
            "EbsConfiguration": {
                "EbsOptimized": True,
                "EbsBlockDeviceConfigs": [
                    {"VolumeSpecification": {"VolumeType": "gp3", "SizeInGB": 64}, "VolumesPerInstance": 2}
                ],
            },
        },
        {"InstanceGroupType": "TASK", "InstanceCount": 2, "InstanceType": "m5.xlarge", "BidPrice": "0.10"},
    ]
    (workdir / "emr-instance-groups.json").write_text(json.dumps(groups, indent=2) + "\n")
    # No LogUri in a step: the CLI sends it as StepMonitoringConfiguration,
    # which moto 5.2.5 answers with a 500 (after adding the steps before it).
    steps = [
        {
            "Type": "CUSTOM_JAR",
            "Name": "json-jar",
            "Jar": "command-runner.jar",
            "Args": ["bash", "-c", "echo hello, world"],
            "ActionOnFailure": "CANCEL_AND_WAIT",
        },
        {
            "Type": "Spark",
            "Name": "json-spark",
            "Args": ["--deploy-mode", "cluster", "--conf", "spark.executor.memory=2g", "s3://diff-emr/job.py", "--day", "2024-01-01"],
        },
        {
            "Type": "Streaming",
            "Name": "json-streaming",
            "Args": [
                "-files", "s3://diff-emr/mapper.py,s3://diff-emr/reducer.py", "-mapper", "mapper.py",
                "-reducer", "reducer.py", "-input", "s3://diff-emr/in/", "-output", "s3://diff-emr/out/",
            ],
        },
        {
            "Type": "CUSTOM_JAR",
            "Name": "json-props",
            "Jar": "s3://diff-emr/props.jar",
            "MainClass": "com.example.Props",
            "Properties": "mapred.tasks=4,color=blue,flag",
        },
    ]
    (workdir / "emr-steps.json").write_text(json.dumps(steps, indent=2) + "\n")


# --------------------------------------------------------------------------
# Running steps


@dataclass
class Result:
    rc: int
    stdout: str
    stderr: str
    started: float  # time.monotonic() when the command started
    files: dict[str, bytes | None] = field(default_factory=dict)  # step.files after the step
    command: str = ""  # the command line after substitution
    captured: dict[str, str] = field(default_factory=dict)  # what this step captured

    @property
    def error_code(self) -> str | None:
        m = ERROR_RE.search(self.stderr)
        return m.group(1) if m else None


class Runner:
    """Runs command lines either with the real CLI or with the host."""

    def __init__(self, argv: list[str], pass_line: bool):
        self.argv = argv
        # pass_line: the host gets the whole command line as one argument;
        # otherwise (the CLI) the words after 'aws'.
        self.pass_line = pass_line

    @property
    def self_check(self) -> bool:
        return not self.pass_line

    def run(self, line: str, env: dict[str, str], cwd: Path) -> tuple[int, str, str]:
        if self.pass_line:
            # The host honours AWS_ENDPOINT_URL for every service, and its
            # validate policy refuses --endpoint-url (as it should for a
            # model), so the CLI-only endpoint pin comes off.
            argv = [*self.argv, strip_endpoint_url(line)]
        else:
            argv = [*self.argv, *shlex.split(line)[1:]]
        try:
            proc = subprocess.run(
                argv,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=STEP_TIMEOUT,
            )
        except subprocess.TimeoutExpired as e:
            return -1, decode(e.stdout), decode(e.stderr) + f"\n[exec_diff: timed out after {STEP_TIMEOUT} s]"
        except OSError as e:
            return -1, "", f"[exec_diff: cannot run {argv[0]}: {e}]"
        return proc.returncode, decode(proc.stdout), decode(proc.stderr)


ENDPOINT_URL_RE = re.compile(r"\s--endpoint-url(?:=|\s+)\S+")


def strip_endpoint_url(line: str) -> str:
    """The command line without its --endpoint-url option."""
    return ENDPOINT_URL_RE.sub("", line)


def decode(data: bytes | None) -> str:
    return (data or b"").decode("utf-8", errors="replace")


def cli_runner(venv: Path) -> Runner:
    return Runner([str(venv / "bin" / "python"), "-m", "awscli"], pass_line=False)


def host_runner(host_cmd: str) -> Runner:
    argv = shlex.split(host_cmd)
    if not argv:
        raise ValueError("--host-cmd is empty")
    # The commands run in the working directory: a relative program path
    # (target/debug/aws-api-mcp) is taken relative to the driver's directory.
    if "/" in argv[0] and not os.path.isabs(argv[0]):
        argv[0] = os.path.abspath(argv[0])
    last = argv[-1]
    self_check = os.path.basename(last) == "aws" or last.endswith("awscli")
    return Runner(argv, pass_line=not self_check)


def substitute(command: str, names: set[str], captured: dict[str, str]) -> tuple[str, list[str]]:
    """Replaces {name} placeholders; returns the line and the missing names.

    captured also holds the built-in "endpoint" (the moto URL).
    """
    missing: list[str] = []

    def repl(m: re.Match) -> str:
        name = m.group(1)
        if name not in names and name != "endpoint":
            return m.group(0)
        if name not in captured:
            missing.append(name)
            return ""
        return captured[name]

    return PLACEHOLDER_RE.sub(repl, command), missing


def run_group(
    group: Group,
    runner: Runner,
    moto: Moto,
    workdir: Path,
    not_before: list[float] | None = None,
) -> list[Result]:
    """One run of a group on a freshly reset moto and working directory.

    not_before[i] is the earliest monotonic time step i may start at.
    """
    moto.reset()
    write_fixtures(workdir, large=group.large)
    env = command_env(moto.url, workdir)
    captured: dict[str, str] = {"endpoint": moto.url}
    results = []
    for i, step in enumerate(group.steps):
        line, missing = substitute(step.command, group.capture_names, captured)
        if not_before is not None:
            delay = not_before[i] - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        started = time.monotonic()
        if missing:
            rc, out, err = -1, "", f"[exec_diff: nothing captured for {', '.join(missing)}]"
        else:
            rc, out, err = runner.run(line, env, workdir)
        result = Result(rc, out, err, started, command=line)
        for name in step.files:
            p = workdir / name
            result.files[name] = p.read_bytes() if p.is_file() else None
        # Captures: values from this run's own output.
        if step.capture and rc == 0:
            try:
                value = json.loads(out)
            except ValueError:
                value = None
            for name, pattern in step.capture.items():
                try:
                    got = extract(value, parse_path_pattern(pattern))
                except KeyError:
                    continue
                result.captured[name] = got if isinstance(got, str) else json.dumps(got)
            captured.update(result.captured)
        results.append(result)
    return results


# --------------------------------------------------------------------------
# Comparing


def output_format(command: str) -> str:
    words = shlex.split(command)
    fmt = "json"
    for i, w in enumerate(words):
        if w == "--output" and i + 1 < len(words):
            fmt = words[i + 1]
        elif w.startswith("--output="):
            fmt = w.split("=", 1)[1]
    return fmt


def parse_json(text: str) -> tuple[bool, Any]:
    try:
        return True, json.loads(text)
    except ValueError:
        return False, None


def json_type(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    return "object"


def short(v: Any, limit: int = 120) -> str:
    text = json.dumps(v, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def compare_json(
    a: Any, b: Any, h: Any, ignore: list[list[str | int | None]], volatile: list[str]
) -> list[str]:
    """Differences between the host's value h and run A's value a.

    b is run B's value; see the module docstring for the rule. The volatile
    paths found on the way are appended to volatile.
    """
    diffs: list[str] = []

    def ignored(path: JsonPath) -> bool:
        return any(pattern_matches(p, path) for p in ignore)

    def walk(a: Any, b: Any, h: Any, path: JsonPath) -> None:
        if len(diffs) >= 20:
            return
        ta, tb, th = json_type(a), json_type(b), json_type(h)
        if ta != tb:
            volatile.append(format_path(path) + " (type)")
            return  # A and B disagree on the type: volatile subtree
        if th != ta:
            if not ignored(path):
                diffs.append(f"{format_path(path)}: type {th} ({short(h)}), want {ta} ({short(a)})")
            return
        if ta == "object":
            if list(a) != list(h) and list(a) == list(b):
                missing = [k for k in a if k not in h]
                extra = [k for k in h if k not in a]
                if missing or extra:
                    parts = []
                    if missing:
                        parts.append(f"missing keys {missing}")
                    if extra:
                        parts.append(f"extra keys {extra}")
                    if not ignored(path):
                        diffs.append(f"{format_path(path)}: {', '.join(parts)}")
                elif not ignored(path):
                    diffs.append(f"{format_path(path)}: key order {list(h)}, want {list(a)}")
            for k in a:
                if k in h:
                    if k in b:
                        walk(a[k], b[k], h[k], (*path, k))
                    else:  # a key A has and B lacks: volatile presence, not compared
                        volatile.append(format_path((*path, k)) + " (presence)")
            return
        if ta == "array":
            if len(a) != len(b):
                volatile.append(format_path(path) + " (length)")
                return  # volatile length: only the type is compared
            if len(h) != len(a):
                if not ignored(path):
                    diffs.append(f"{format_path(path)}: {len(h)} items, want {len(a)}")
                return
            for i, (x, y, z) in enumerate(zip(a, b, h)):
                walk(x, y, z, (*path, i))
            return
        # scalars: compare unless the value is volatile or ignored
        if a != b:
            volatile.append(format_path(path))
        elif h != a and not ignored(path):
            diffs.append(f"{format_path(path)}: {short(h)}, want {short(a)}")

    walk(a, b, h, ())
    return diffs


def cli_json_text(value: Any) -> str:
    """How the CLI prints a JSON value."""
    return json.dumps(value, indent=4, ensure_ascii=False) + "\n"


def compare_lines(a: str, b: str, h: str) -> list[str]:
    """Line and word comparison for text, table and yaml output."""
    la, lb, lh = a.splitlines(), b.splitlines(), h.splitlines()
    diffs: list[str] = []
    if len(la) != len(lb):
        # A and B differ in line count: we cannot align; check only emptiness.
        if bool(la) != bool(lh):
            diffs.append(f"{len(lh)} lines, want {len(la)}")
        return diffs
    if len(lh) != len(la):
        diffs.append(f"{len(lh)} lines, want {len(la)}")
        # show the first differing line to help
        for i, (x, z) in enumerate(zip(la, lh)):
            if x != z:
                diffs.append(f"line {i + 1}: {z!r}, want {x!r}")
                break
        return diffs
    for i, (x, y, z) in enumerate(zip(la, lb, lh)):
        if len(diffs) >= 20:
            break
        if x == y:
            if z != x:
                diffs.append(f"line {i + 1}: {z!r}, want {x!r}")
            continue
        wx, wy, wz = x.split(), y.split(), z.split()
        if len(wx) != len(wy):
            continue  # volatile word count: the line only has to exist
        if len(wz) != len(wx):
            diffs.append(f"line {i + 1}: {len(wz)} words ({z!r}), want {len(wx)} ({x!r})")
            continue
        bad = [j for j, (p, q, r) in enumerate(zip(wx, wy, wz)) if p == q and r != p]
        if bad:
            diffs.append(f"line {i + 1}: {z!r}, want {x!r} (words {[j + 1 for j in bad]})")
    return diffs


def describe_failure(r: Result) -> str:
    tail = r.stderr.strip().splitlines()[-3:]
    return f"exit {r.rc}: " + " | ".join(tail)[:400]


def judge(
    step: Step, a: Result, b: Result, h: Result, aws_error_rc: int | None, volatile: list[str]
) -> tuple[str, list[str]]:
    """Returns (status, detail lines) for one step.

    aws_error_rc is the exit code the host must give for an AWS error (None:
    the same as the CLI's). The volatile JSON paths or output lines found are
    appended to volatile.
    """
    # Is the case right about what the CLI does?
    if step.error is not None:
        if a.rc == 0:
            return "bad-case", [f"expected an error {step.error}, the CLI succeeded"]
        if step.error != "*" and a.error_code != step.error:
            return "bad-case", [f"expected error {step.error}, the CLI gave {describe_failure(a)}"]
        if b.rc == 0 or b.error_code != a.error_code:
            return "bad-case", [f"runs A and B disagree: {describe_failure(a)} / {describe_failure(b)}"]
        if h.rc == 0:
            return "differ", [f"host succeeded, want failure ({a.error_code or 'exit ' + str(a.rc)})"]
        detail = []
        if a.error_code is not None and h.error_code != a.error_code:
            detail.append(f"host error code {h.error_code!r}, want {a.error_code!r}: {describe_failure(h)}")
        if a.error_code is not None:
            want = a.rc if aws_error_rc is None else aws_error_rc
            if h.rc != want:
                detail.append(f"host exit code {h.rc}, want {want} for an AWS error")
        elif h.rc == HOST_AWS_ERROR_RC:
            detail.append(f"host exit code {h.rc} (an AWS error), the CLI gave {describe_failure(a)}")
        return ("differ", detail) if detail else ("match", [])

    if a.rc != 0:
        return "bad-case", [f"the CLI failed: {describe_failure(a)}"]
    if b.rc != 0:
        return "bad-case", [f"run B failed: {describe_failure(b)}"]
    missing = [n for n in step.capture if n not in a.captured]
    if missing:
        return "bad-case", [f"run A captured nothing for {missing}"]
    if h.rc != 0:
        return "differ", [f"host failed: {describe_failure(h)}"]

    detail: list[str] = []
    missing = [n for n in step.capture if n not in h.captured]
    if missing:
        detail.append(f"host output has nothing to capture for {missing}")

    fmt = output_format(a.command)
    ok_a, va = parse_json(a.stdout)
    if fmt == "json" and (ok_a or not a.stdout.strip()):
        if not a.stdout.strip():
            if h.stdout.strip():
                detail.append(f"host printed {h.stdout.strip()[:200]!r}, want nothing")
            elif h.stdout != a.stdout:
                detail.append(f"host printed {h.stdout!r}, want {a.stdout!r}")
        else:
            ok_b, vb = parse_json(b.stdout)
            ok_h, vh = parse_json(h.stdout)
            if not ok_b:
                return "bad-case", ["run B printed no JSON"]
            if not ok_h:
                detail.append(f"host output is not JSON: {h.stdout[:200]!r}")
            else:
                ignore = [parse_path_pattern(p) for p in step.ignore]
                detail += compare_json(va, vb, vh, ignore, volatile)
                if a.stdout == cli_json_text(va) and h.stdout != cli_json_text(vh):
                    detail.append("host JSON is not printed like the CLI's (indent=4, ensure_ascii=False, final newline)")
    else:
        detail += compare_lines(a.stdout, b.stdout, h.stdout)
        volatile += [f"line {i + 1}" for i, (x, y) in enumerate(zip(a.stdout.splitlines(), b.stdout.splitlines())) if x != y]

    for name in step.files:
        fa, fb, fh = a.files.get(name), b.files.get(name), h.files.get(name)
        if fa is None:
            return "bad-case", [f"the CLI wrote no file {name}"]
        if fh is None:
            detail.append(f"host wrote no file {name}")
        elif fa == fb and fh != fa:
            detail.append(f"file {name}: {len(fh)} bytes differ from the CLI's {len(fa)} bytes")
    return ("differ", detail) if detail else ("match", [])



# --------------------------------------------------------------------------
# Network isolation


def unshare_works() -> bool:
    """True if this user may make a user and network namespace."""
    if shutil.which("unshare") is None:
        return False
    try:
        return subprocess.run(["unshare", "-rn", "true"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def loopback_up() -> None:
    """Brings up lo in a fresh network namespace (it starts down)."""
    siocgifflags, siocsifflags, iff_up = 0x8913, 0x8914, 0x1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        ifr = fcntl.ioctl(s, siocgifflags, struct.pack("16sh", b"lo", 0))
        flags = struct.unpack("16sh", ifr[:18])[1]
        fcntl.ioctl(s, siocsifflags, struct.pack("16sh", b"lo", flags | iff_up))


def isolate(mode: str) -> bool:
    """Runs the driver in its own network namespace where only loopback exists.

    moto, the CLI and the host then cannot reach anything but 127.0.0.1,
    whatever endpoint a command picks. mode "auto" isolates when unshare(1)
    works, "yes" insists, "no" does not isolate. Returns True if isolated.
    The driver re-executes itself under `unshare -rn` (no process in between,
    so ctrl-c and SIGTERM reach it directly).
    """
    if os.environ.get(ISOLATED_ENV) == "1":
        loopback_up()
        return True
    if mode == "no":
        return False
    if not unshare_works():
        if mode == "yes":
            sys.exit("exec_diff.py: --isolate yes, but `unshare -rn` does not work here")
        print("exec_diff.py: warning: no network namespace (unshare -rn fails); "
              "commands of services that ignore AWS_ENDPOINT_URL must use --endpoint-url {endpoint}",
              file=sys.stderr)
        return False
    os.environ[ISOLATED_ENV] = "1"
    argv = ["unshare", "-rn", "--", sys.executable, os.path.abspath(__file__), *sys.argv[1:]]
    os.execvp("unshare", argv)
    raise AssertionError("unreachable")


def unsafe_endpoint(line: str) -> bool:
    """True if the CLI would send this command to AWS despite AWS_ENDPOINT_URL."""
    words = shlex.split(line)
    return len(words) > 1 and words[1] in ENDPOINT_OVERRIDE_SERVICES and not any(
        w == "--endpoint-url" or w.startswith("--endpoint-url=") for w in words
    )


# --------------------------------------------------------------------------
# Main


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--venv", required=True, type=Path, help="venv with awscli (and moto[server] unless --moto-venv)")
    ap.add_argument(
        "--moto-venv",
        type=Path,
        help="venv with moto[server], when it is not the CLI's (moto wants a newer botocore than the CLI pins)",
    )
    ap.add_argument("--host-cmd", required=True, help="command that runs one command line")
    ap.add_argument("--only", action="append", default=[], metavar="GROUP", help="run only this group (repeatable)")
    ap.add_argument("--report", type=Path, help="write JSON lines, one per step")
    ap.add_argument("--workdir", type=Path, help="working directory for the commands (emptied on every run)")
    ap.add_argument("--verbose", "-v", action="store_true", help="print each group's progress")
    ap.add_argument(
        "--isolate",
        choices=["auto", "yes", "no"],
        default="auto",
        help="run in a network namespace with only loopback (default: when unshare -rn works)",
    )
    ap.add_argument("cases", nargs="+", type=Path, help="case files (tests/awscli/exec/*.toml)")
    args = ap.parse_args()
    isolated = isolate(args.isolate)

    venv = args.venv.resolve()
    try:
        groups = [load_group(p) for p in args.cases]
    except (OSError, ValueError, tomllib.TOMLDecodeError) as e:
        ap.error(str(e))
    if args.only:
        unknown = set(args.only) - {g.name for g in groups}
        if unknown:
            ap.error(f"no such group: {', '.join(sorted(unknown))}")
        groups = [g for g in groups if g.name in args.only]
    if not isolated:
        unsafe = [f"{g.name} step {s.number}" for g in groups for s in g.steps if unsafe_endpoint(s.command)]
        if unsafe:
            sys.exit(
                "exec_diff.py: without a network namespace these steps would reach AWS "
                f"(add --endpoint-url {{endpoint}}): {', '.join(unsafe)}"
            )
    cli = cli_runner(venv)
    host = host_runner(args.host_cmd)

    # SIGTERM ends the run like ctrl-c, so the finally clauses stop moto.
    # SIGINT is set too: a shell starts background jobs with SIGINT ignored.
    def on_signal(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    tmp = Path(tempfile.mkdtemp(prefix="exec-diff-"))
    workdir = (args.workdir or tmp / "work").resolve()
    moto = None
    records = []
    started = time.monotonic()
    try:
        moto = Moto(args.moto_venv.resolve() if args.moto_venv else venv, tmp / "moto.log")
        for group in groups:
            t0 = time.monotonic()
            run_a = run_group(group, cli, moto, workdir)
            run_b = run_group(group, cli, moto, workdir, [r.started + RUN_GAP for r in run_a])
            run_h = run_group(group, host, moto, workdir)
            n_bad = 0
            for step, a, b, h in zip(group.steps, run_a, run_b, run_h):
                volatile: list[str] = []
                status, detail = judge(step, a, b, h, None if host.self_check else HOST_AWS_ERROR_RC, volatile)
                if step.known_difference and not host.self_check:
                    if status == "match":
                        status = "stale"
                        detail = [f"matches now: remove known_difference ({step.known_difference})"]
                    else:
                        status = "known"
                        detail = [f"known: {step.known_difference}", *detail]
                n_bad += status not in ("match", "known")
                records.append(
                    {"group": group.name, "step": step.number, "command": a.command or step.command,
                     "status": status, "detail": detail, "volatile": volatile}
                )
            if args.verbose:
                print(
                    f"{group.name}: {len(group.steps)} steps, {n_bad} differ ({time.monotonic() - t0:.1f} s)",
                    file=sys.stderr,
                    flush=True,
                )
    except KeyboardInterrupt:
        print("exec differential: interrupted", file=sys.stderr)
        return 130
    except RuntimeError as e:
        print(f"exec differential: {e}", file=sys.stderr)
        return 2
    finally:
        if moto is not None:
            moto.stop()
        # The moto log and the default working directory; a --workdir stays.
        shutil.rmtree(tmp, ignore_errors=True)

    n = len(records)
    n_match = sum(r["status"] == "match" for r in records)
    n_known = sum(r["status"] == "known" for r in records)
    sys.stderr.flush()
    print(
        f"exec differential: {n} steps, {n_match} match ({100 * n_match / max(n, 1):.1f}%), "
        f"{n_known} known differences, {n - n_match - n_known} unexpected"
    )
    for r in records:
        if r["status"] == "match":
            continue
        print(f"\n[{r['status']}] {r['group']} step {r['step']}: {r['command']}")
        for line in r["detail"]:
            print(f"    {line}")
    print(f"({time.monotonic() - started:.0f} s)", file=sys.stderr)
    if args.report:
        with open(args.report, "w") as f:
            for r in records:
                f.write(json.dumps(r) + "\n")
    return 0 if n_match + n_known == n else 1


if __name__ == "__main__":
    sys.exit(main())

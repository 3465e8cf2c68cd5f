"""Extracts the example commands that ship with the AWS CLI
(`awscli/examples/<service>/<command>.rst`) as one `aws ...` line each,
for the differential test of the Rust parser against the CLI's own.

A command is a line in a code block that starts with `aws `, joined with
the lines it continues with a trailing backslash. Commands whose shell form
the parser refuses on purpose (pipes, `$VARS`, several commands) stay in:
the test compares what both parsers say about each line.

    venv/bin/python tests/awscli/examples.py > examples.txt
"""

import os
import sys

import awscli


def commands(text):
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        i += 1
        if not line.startswith("aws "):
            continue
        parts = [line]
        while parts[-1].endswith("\\") and i < len(lines):
            parts[-1] = parts[-1][:-1].rstrip()
            parts.append(lines[i].strip())
            i += 1
        command = " ".join(p for p in parts if p)
        # A command must be one line for the line-based tools.
        if "\n" not in command:
            yield command


def main():
    root = os.path.join(os.path.dirname(awscli.__file__), "examples")
    seen = set()
    for folder, _, files in sorted(os.walk(root)):
        for name in sorted(files):
            if not name.endswith(".rst"):
                continue
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                for command in commands(f.read()):
                    if command not in seen:
                        seen.add(command)
                        print(command)
    print(f"{len(seen)} commands", file=sys.stderr)


if __name__ == "__main__":
    main()

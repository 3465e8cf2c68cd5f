#!/usr/bin/env python
"""Extract the AWS CLI's own words about its commands, for the suggest index.

Writes one JSON object (stdout) with two parts, both read from the installed
``awscli`` package (the pinned 1.46.3 of ``tests/awscli/prepare.sh``):

* ``commands``: every command the CLI implements itself (``s3 cp``,
  ``eks update-kubeconfig``, ``ec2 wait instance-running``, ...), keyed
  ``"<service> <command> [<subcommand>]"``, with the first sentence of its
  DESCRIPTION and, per option, the first sentence of its help text. The
  service models have no words for these commands.
* ``examples``: per command (``"ec2 describe-instances"``), the titles and
  first sentences of the examples in ``awscli/examples/**.rst`` ("To describe
  an instance", "The following ... example describes ..."), which say in
  plain words what the command is for.

Nothing from ``suggest-index/eval`` is read: the evaluation set stays apart
from the indexed text.

Run:  target/differential/venv/bin/python suggest-index/data/extract_cli_docs.py \
          > suggest-index/data/cli-docs.json
"""

import json
import os
import re
import sys

os.environ.update({
    'AWS_ACCESS_KEY_ID': 'x', 'AWS_SECRET_ACCESS_KEY': 'x',
    'AWS_DEFAULT_REGION': 'us-east-1', 'AWS_CONFIG_FILE': os.devnull,
    'AWS_SHARED_CREDENTIALS_FILE': os.devnull,
})

import awscli  # noqa: E402
from awscli.clidriver import create_clidriver, ServiceOperation  # noqa: E402
from awscli.customizations.commands import BasicCommand  # noqa: E402

TAG = re.compile(r'<[^>]+>')
RST = re.compile(r'``([^`]*)``|`([^`<]*)(?:<[^>]*>)?`_*|\*\*([^*]*)\*\*|\*([^*]*)\*')


def plain(text):
    """HTML/RST help text → one line of plain words."""
    if not text:
        return ''
    text = TAG.sub(' ', str(text))
    text = RST.sub(lambda m: next(g for g in m.groups() if g is not None), text)
    text = text.replace('::', ':')
    return ' '.join(text.split())


def first_sentence(text, limit=300):
    text = plain(text)
    m = re.search(r'(?<=[a-z0-9)\]])\.(\s|$)', text)
    if m:
        text = text[:m.start() + 1]
    return text[:limit]


def description(cmd):
    desc = getattr(cmd, 'DESCRIPTION', '') or ''
    if isinstance(desc, BasicCommand.FROM_FILE):
        path = desc.filename or os.path.join(cmd.name, 'DESCRIPTION.rst')
        root = os.path.dirname(os.path.abspath(desc.root_module.__file__))
        try:
            with open(os.path.join(root, 'examples', path), encoding='utf-8') as f:
                desc = f.read()
        except OSError:
            desc = ''
    return desc if isinstance(desc, str) else ''


def describe(cmd):
    desc = description(cmd)
    args = {}
    try:
        table = cmd.arg_table
    except Exception:
        table = {}
    for name, arg in table.items():
        help_text = getattr(arg, 'documentation', '') or getattr(arg, '_help', '') or ''
        args[name] = first_sentence(help_text, 200)
    return {'description': first_sentence(desc), 'args': args}


def walk(prefix, cmd, out):
    if isinstance(cmd, BasicCommand) or prefix.split(' ')[-2:-1] == ['wait']:
        out[prefix] = describe(cmd)
        try:
            subs = cmd.subcommand_table
        except Exception:
            subs = {}
        for name, sub in subs.items():
            walk(f'{prefix} {name}', sub, out)


def commands():
    driver = create_clidriver()
    out = {}
    for sname, scmd in driver._get_command_table().items():
        if isinstance(scmd, BasicCommand):
            walk(sname, scmd, out)
            continue
        try:
            table = scmd._get_command_table()
        except Exception:
            continue
        for cname, ccmd in table.items():
            if not isinstance(ccmd, ServiceOperation):
                walk(f'{sname} {cname}', ccmd, out)
    return out


def examples():
    root = os.path.join(os.path.dirname(awscli.__file__), 'examples')
    out = {}
    for service in sorted(os.listdir(root)):
        folder = os.path.join(root, service)
        if not os.path.isdir(folder):
            continue
        for dirpath, _dirs, files in os.walk(folder):
            for f in sorted(files):
                if not f.endswith('.rst'):
                    continue
                rel = os.path.relpath(os.path.join(dirpath, f[:-4]), root)
                key = ' '.join(rel.split(os.sep))
                lines = []
                with open(os.path.join(dirpath, f), encoding='utf-8') as fh:
                    text = fh.read()
                for m in re.finditer(r'^\*\*(.+?)\*\*\s*\n\s*\n(.*?)(?:\n\s*\n|$)', text,
                                     re.M | re.S):
                    title = re.sub(r'^Example \d+:\s*', '', plain(m.group(1)))
                    lines.append(title)
                    body = first_sentence(m.group(2), 240)
                    if body and not body.startswith('aws '):
                        lines.append(body)
                if lines:
                    out[key] = lines
    return out


def main():
    doc = {'awscli_version': awscli.__version__, 'commands': commands(),
           'examples': examples()}
    json.dump(doc, sys.stdout, indent=0, sort_keys=True, ensure_ascii=False)
    sys.stdout.write('\n')
    print(f"{len(doc['commands'])} commands, {len(doc['examples'])} example files",
          file=sys.stderr)


if __name__ == '__main__':
    main()

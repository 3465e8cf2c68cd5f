#!/usr/bin/env python
"""Dump the real AWS CLI v1 command table as JSON lines.

This script builds the real AWS CLI driver (``awscli.clidriver.create_clidriver()``)
and walks every command table the CLI would use to parse a command line:

* the driver's global argument table (``--region``, ``--output``, ...; from
  ``awscli/data/cli.json`` plus whatever ``building-top-level-params``
  handlers add), parsed into the same argparse parser the CLI uses;
* the top-level command table (``driver._get_command_table()``): one entry per
  service command (``ServiceCommand``; model driven, e.g. ``s3api`` -> botocore
  ``s3``) or per pure-CLI command (``BasicCommand`` subclasses such as ``s3``,
  ``configure``, ``history``);
* each service command's command table (``ServiceCommand._get_command_table()``)
  with operations (``ServiceOperation``) and customizations (``BasicCommand``,
  e.g. ``aws emr create-cluster``; ``wait`` with its waiter subcommands; ...);
* each command's ``arg_table`` and, for ``BasicCommand``s, their
  ``subcommand_table`` recursively.

Every argument is added to an argparse parser exactly like the CLI does
(``arg.add_to_parser(parser)``), and the resulting argparse actions are read
back, so ``nargs``/``action``/``required``/``choices`` are what argparse really
sees (e.g. list parameters have ``nargs='*'`` and booleans are
``store_true``/``store_false`` pairs).

Output (stdout), one JSON object per line:

  line 1:  {"global": [ARG, ...]}
  then:    {"service": "<cli name>", "botocore": "<botocore service name>"|null,
            "class": ..., "hidden": bool, ["preview": true,] ["args": [ARG...],]
            "commands": [COMMAND, ...]}

  COMMAND = {"name", "operation": "<API op name>"|null, "customization": bool,
             "class", "hidden": bool, "args": [ARG...],
             ["subcommands": [COMMAND...]], ["obj_name": ...]}
            or {"name": ..., "error": "..."} if building it raised.
  ARG = {"name", "member", "required", "positional", "nargs", "action",
         "type", "argparse_type", "dest", "hidden", "no_paramfile",
         "negative"/"negates" (boolean pairs), "choices", "class",
         ["enum": [...]], ["default": ...], ["documented_required": true],
         ["shadowed": true], ["pagination_config": "PageSize"|...],
         ["error": ...]}

A summary line (number of service commands, commands, args) goes to stderr.

No network request is made: the environment is forced to fake credentials and
an empty config (see ``_isolate_environment``).

Run (needs ``pip install awscli==1.46.3`` in a venv):

    /tmp/venv/bin/python tests/awscli/dump_cli.py > /tmp/aws-cli-table.jsonl

Options:  ``--service NAME`` (repeatable) limits the dump to those top-level
commands; ``--pretty`` indents the JSON (not one-object-per-line any more).
"""

import argparse
import json
import os
import sys
import tempfile
import time
import traceback


def _isolate_environment():
    """Fake credentials/region and empty config so nothing is read or sent."""
    import atexit
    import shutil
    tmp = tempfile.mkdtemp(prefix='dump-cli-')
    atexit.register(shutil.rmtree, tmp, True)
    cfg = os.path.join(tmp, 'config')
    creds = os.path.join(tmp, 'credentials')
    for path in (cfg, creds):
        open(path, 'w').close()
    os.environ.update({
        'AWS_ACCESS_KEY_ID': 'AKIDEXAMPLE',
        'AWS_SECRET_ACCESS_KEY': 'secret',
        'AWS_DEFAULT_REGION': 'us-east-1',
        'AWS_CONFIG_FILE': cfg,
        'AWS_SHARED_CREDENTIALS_FILE': creds,
        'AWS_EC2_METADATA_DISABLED': 'true',
    })
    for var in ('AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_SESSION_TOKEN',
                'AWS_CA_BUNDLE', 'AWS_DATA_PATH'):
        os.environ.pop(var, None)


_isolate_environment()

from awscli.argparser import CLIArgParser  # noqa: E402
from awscli.arguments import BooleanArgument, CLIArgument  # noqa: E402
from awscli.clidriver import (  # noqa: E402
    ServiceCommand,
    ServiceOperation,
    create_clidriver,
)
from awscli.customizations.commands import BasicCommand  # noqa: E402
from awscli.paramfile import PARAMFILE_DISABLED  # noqa: E402


def _jsonable(value):
    """Best effort conversion of defaults/choices into JSON values."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return repr(value)


def _action_names(parser):
    """Map argparse Action classes back to their registry names."""
    names = {}
    for key, cls in parser._registries.get('action', {}).items():
        if key is not None and isinstance(cls, type):
            names.setdefault(cls, key)
    return names


def _new_parser():
    # Same settings as awscli.argparser.ArgTableArgParser.
    return CLIArgParser(add_help=False, conflict_handler='resolve')


def _is_negative_bool(arg):
    if isinstance(arg, BooleanArgument) and getattr(arg, '_action', None) == 'store_false':
        return True
    return type(arg).__name__ == 'NegativeBooleanParameter'


def _safe(fn, default=None):
    try:
        return fn()
    except Exception:
        return default


def describe_arg_table(arg_table, paramfile_prefix=None):
    """Return a list of ARG dicts for an argument table.

    ``paramfile_prefix`` is the ``<service>.<command>`` part of the
    ``load-cli-arg`` event used by awscli.paramfile to decide whether
    file:// / http(s):// values are expanded (``PARAMFILE_DISABLED``).
    """
    parser = _new_parser()
    action_names = _action_names(parser)
    per_arg = []
    for key, arg in arg_table.items():
        before = set(map(id, parser._actions))
        err = None
        try:
            arg.add_to_parser(parser)
        except Exception as e:  # pragma: no cover - defensive
            err = '%s: %s' % (type(e).__name__, e)
        new_actions = [a for a in parser._actions if id(a) not in before]
        per_arg.append((key, arg, new_actions, err))

    live = set(map(id, parser._actions))
    # Group boolean pairs (BooleanArgument and ec2 toplevelbool pairs share a
    # group_name: positive + negative forms).
    groups = {}
    for key, arg, _, _ in per_arg:
        group = _safe(lambda: arg.group_name)
        if group:
            groups.setdefault(group, []).append((key, arg))

    out = []
    for key, arg, actions, err in per_arg:
        action = actions[0] if actions else None
        d = {'name': key}
        arg_name = _safe(lambda: arg.name)
        if arg_name is not None and arg_name != key:
            d['arg_name'] = arg_name
        member = None
        if isinstance(arg, CLIArgument):
            member = getattr(arg, '_serialized_name', None)
        d['member'] = member
        if member is None and type(arg).__name__ == 'PageArgument':
            # --starting-token/--max-items/--page-size feed the paginator's
            # PaginationConfig (StartingToken/MaxItems/PageSize), not the API.
            d['pagination_config'] = getattr(arg, '_serialized_name', None)
        if action is not None:
            positional = not action.option_strings
            required = bool(action.required)
            if positional:
                # argparse positionals are required unless nargs allows 0.
                required = action.nargs not in ('?', '*')
            d['required'] = required
            d['positional'] = positional
            d['nargs'] = _jsonable(action.nargs)
            d['action'] = action_names.get(type(action), type(action).__name__)
            d['dest'] = action.dest
            choices = action.choices
            d['choices'] = _jsonable(list(choices)) if choices else None
            atype = action.type
            d['argparse_type'] = getattr(atype, '__name__', None) if atype else None
            if action.default is not None and action.default != argparse.SUPPRESS:
                d['default'] = _jsonable(action.default)
            if action.option_strings and action.option_strings != ['--' + key]:
                d['option_strings'] = list(action.option_strings)
            if len(actions) > 1:
                d['extra_option_strings'] = [
                    s for a in actions[1:] for s in (a.option_strings or [a.dest])]
            if id(action) not in live:
                # A later argument with the same option string replaced it
                # (the CLI's parsers use conflict_handler='resolve').
                d['shadowed'] = True
            help_suppressed = action.help == argparse.SUPPRESS
        else:
            d['required'] = bool(_safe(lambda: arg.required, False))
            d['positional'] = bool(_safe(lambda: arg.positional_arg, False))
            d['nargs'] = _jsonable(_safe(lambda: arg.nargs))
            d['action'] = None
            d['choices'] = _jsonable(_safe(lambda: arg.choices)) or None
            help_suppressed = False
            d['no_parser_action'] = True
        d['type'] = _safe(lambda: arg.cli_type_name)
        d['hidden'] = bool(getattr(arg, '_UNDOCUMENTED', False) or help_suppressed)
        if getattr(arg, '_DOCUMENT_AS_REQUIRED', False):
            d['documented_required'] = True
        no_paramfile = bool(getattr(arg, 'no_paramfile', False))
        if paramfile_prefix and '%s.%s' % (paramfile_prefix, key) in PARAMFILE_DISABLED:
            no_paramfile = True
        d['no_paramfile'] = no_paramfile
        model = getattr(arg, 'argument_model', None)
        enum = _safe(lambda: model.enum) if model is not None else None
        if enum:
            d['enum'] = list(enum)
        group = _safe(lambda: arg.group_name)
        mates = [(k, a) for k, a in groups.get(group, []) if k != key] if group else []
        if mates:
            if _is_negative_bool(arg):
                pos = [k for k, a in mates if not _is_negative_bool(a)]
                if pos:
                    d['negates'] = pos[0] if len(pos) == 1 else pos
            else:
                neg = [k for k, a in mates if _is_negative_bool(a)]
                if neg:
                    d['negative'] = neg[0] if len(neg) == 1 else neg
        d['class'] = type(arg).__name__
        if err:
            d['error'] = err
        out.append(d)
    return out


class Counts:
    services = 0
    commands = 0
    args = 0
    errors = 0


def _count_args(args):
    Counts.args += len(args)


def describe_command(name, cmd, service_prefix, depth=0):
    """Describe one entry of a service's command table (recursively)."""
    Counts.commands += 1
    d = {'name': name}
    try:
        obj_name = _safe(lambda: cmd.name)
        if obj_name is not None and obj_name != name:
            d['obj_name'] = obj_name
        d['class'] = type(cmd).__name__
        d['hidden'] = bool(getattr(cmd, '_UNDOCUMENTED', False))
        if isinstance(cmd, ServiceOperation):
            op_model = cmd._operation_model
            d['operation'] = op_model.name
            d['customization'] = type(cmd) is not ServiceOperation
            if op_model.deprecated:
                d['deprecated'] = True
            # load-cli-arg.<endpoint_prefix>.<cli command name>.<arg>
            prefix = '%s.%s' % (op_model.service_model.endpoint_prefix, name)
            args = describe_arg_table(cmd.arg_table, prefix)
            d['args'] = args
            _count_args(args)
        elif isinstance(cmd, BasicCommand):
            d['operation'] = None
            d['customization'] = True
            # The subcommand table first, as BasicCommand.__call__ builds
            # it: building it registers handlers that add options (s3
            # sync's --delete, --size-only, --exact-timestamps).
            subs = cmd.subcommand_table
            args = describe_arg_table(cmd.arg_table, 'custom.%s' % cmd.name)
            d['args'] = args
            _count_args(args)
            if subs:
                d['subcommands'] = [
                    describe_command(sub_name, sub, service_prefix, depth + 1)
                    for sub_name, sub in subs.items()
                ]
        else:
            d['operation'] = None
            d['customization'] = True
            table = getattr(cmd, 'arg_table', None)
            if table is not None:
                args = describe_arg_table(table)
                d['args'] = args
                _count_args(args)
            else:
                d['args'] = []
    except Exception as e:
        Counts.errors += 1
        return {'name': name, 'error': '%s: %s' % (type(e).__name__, e),
                'traceback': traceback.format_exc(limit=3)}
    return d


def describe_service(name, cmd):
    Counts.services += 1
    d = {'service': name}
    try:
        if isinstance(cmd, ServiceCommand):
            d['botocore'] = cmd._service_name
            d['class'] = type(cmd).__name__
            d['hidden'] = bool(getattr(cmd, '_UNDOCUMENTED', False))
            if hasattr(cmd, '_is_enabled'):
                d['preview'] = True
                d['preview_enabled'] = bool(cmd._is_enabled)
            model = cmd.service_model
            d['endpoint_prefix'] = model.endpoint_prefix
            d['service_id'] = model.service_id.hyphenize()
            table = cmd._get_command_table()
            d['commands'] = [describe_command(k, v, name)
                             for k, v in table.items()]
        elif isinstance(cmd, BasicCommand):
            d['botocore'] = None
            d['class'] = type(cmd).__name__
            d['hidden'] = bool(getattr(cmd, '_UNDOCUMENTED', False))
            args = describe_arg_table(cmd.arg_table, 'custom.%s' % cmd.name)
            d['args'] = args
            _count_args(args)
            d['commands'] = [describe_command(k, v, name)
                             for k, v in cmd.subcommand_table.items()]
        else:
            d['botocore'] = None
            d['class'] = type(cmd).__name__
            d['hidden'] = bool(getattr(cmd, '_UNDOCUMENTED', False))
            d['commands'] = []
    except Exception as e:
        Counts.errors += 1
        d['error'] = '%s: %s' % (type(e).__name__, e)
        d['traceback'] = traceback.format_exc(limit=3)
        d.setdefault('commands', [])
    return d


def describe_globals(driver):
    table = driver._get_argument_table()
    args = describe_arg_table(table)
    # MainArgParser also adds --version (action="version") itself.
    names = {a['name'] for a in args}
    if 'version' not in names:
        args.append({'name': 'version', 'member': None, 'required': False,
                     'positional': False, 'nargs': 0, 'action': 'version',
                     'type': 'string', 'choices': None, 'hidden': False,
                     'no_paramfile': False, 'class': 'argparse'})
    return args


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--service', action='append',
                    help='only dump these top-level commands')
    ap.add_argument('--pretty', action='store_true')
    opts = ap.parse_args(argv)
    indent = 2 if opts.pretty else None

    start = time.time()
    driver = create_clidriver()
    out = sys.stdout
    out.write(json.dumps({'global': describe_globals(driver)},
                         indent=indent, sort_keys=False) + '\n')
    table = driver._get_command_table()
    for name, cmd in table.items():
        if opts.service and name not in opts.service:
            continue
        line = describe_service(name, cmd)
        out.write(json.dumps(line, indent=indent) + '\n')
    sys.stderr.write(
        'dump_cli: %d service commands, %d commands, %d args, %d errors '
        '(awscli %s, %.1fs)\n' % (
            Counts.services, Counts.commands, Counts.args, Counts.errors,
            __import__('awscli').__version__, time.time() - start))
    return 0


if __name__ == '__main__':
    sys.exit(main())

"""Reads how the real AWS CLI names and shapes its commands, for the Rust
command table generator: writes `host/data/cli-overrides.json`.

The generator names everything with botocore's rule (`xform_name`) and the
exceptions botocore lists. This script records only where the CLI differs
from that rule, as seen in the CLI's own command table (`dump_cli.py`):
renamed services, renamed or hidden commands, renamed, hidden or
no-longer-required options, options the CLI adds to API commands, and the
commands the CLI implements itself with their options.

Run (the venv has `pip install awscli==1.46.3`):

    venv/bin/python tests/awscli/dump_cli.py > dump.jsonl
    venv/bin/python tests/awscli/overrides.py dump.jsonl > host/data/cli-overrides.json
"""

import json
import sys

import awscli
from awscli.botocore import xform_name
from awscli.botocore.session import Session

# Options every API command has, handled by the parser itself.
STANDARD = {
    "cli-input-json",
    "cli-input-yaml",
    "generate-cli-skeleton",
    "starting-token",
    "page-size",
    "max-items",
}


def nargs(value):
    if value is None:
        return None
    return str(value)


def cli_arg(arg):
    out = {"name": arg["name"]}
    if arg.get("positional"):
        out["positional"] = True
    n = nargs(arg.get("nargs"))
    if n is not None:
        out["nargs"] = n
    if arg.get("required"):
        out["required"] = True
    if arg.get("choices"):
        out["choices"] = [str(c) for c in arg["choices"]]
    return out


def command(service, cmd):
    out = {"service": service, "name": cmd["name"]}
    args = [cli_arg(a) for a in cmd.get("args", [])]
    if args:
        out["args"] = args
    subs = [command(service, s) for s in cmd.get("subcommands", []) if not s.get("error")]
    if subs:
        for s in subs:
            del s["service"]
            s["service"] = service
        out["subcommands"] = subs
    return out


def main():
    lines = open(sys.argv[1]).read().splitlines()
    session = Session()
    result = {
        "awscli_version": awscli.__version__,
        "service_renames": {},
        "service_aliases": {},
        "operations": {},
        "arguments": {},
        "extra_arguments": {},
        "commands": [],
    }
    for line in lines[1:]:
        entry = json.loads(line)
        service, botocore_name = entry["service"], entry["botocore"]
        if botocore_name is None:
            # A service the CLI implements itself: `s3`, `configure`, ...
            top = {"service": service, "name": ""}
            subs = [command(service, c) for c in entry["commands"] if not c.get("error")]
            for s in subs:
                result["commands"].append(s)
            if not subs:
                result["commands"].append(top)
            continue
        if service != botocore_name:
            names = [json.loads(l)["service"] for l in lines[1:] if json.loads(l)["botocore"] == botocore_name]
            if botocore_name in names:
                # Another name for a service the CLI also offers by its own.
                result["service_aliases"][service] = botocore_name
                continue
            result["service_renames"][botocore_name] = service
        model = session.get_service_model(botocore_name)
        by_operation = {}
        for cmd in entry["commands"]:
            if cmd.get("error"):
                continue
            op = cmd.get("operation")
            if cmd["name"] == "wait":
                continue
            if op is None or cmd.get("customization"):
                result["commands"].append(command(service, cmd))
                continue
            by_operation.setdefault(op, []).append(cmd)
        for op, cmds in list(by_operation.items()):
            # Several commands for one operation: the visible one named by
            # the rule is the API command; other visible ones are the CLI's
            # own commands built on it (`rds add-option-to-option-group` on
            # ModifyOptionGroup); hidden ones are old spellings, dropped.
            rule = xform_name(op, "-")
            visible = [c for c in cmds if not c.get("hidden")]
            if len(visible) <= 1:
                by_operation[op] = (visible or cmds)[0]
                continue
            primary = next((c for c in visible if c["name"] == rule), None)
            for c in visible:
                if c is not primary:
                    result["commands"].append(command(service, c))
            if primary is None:
                del by_operation[op]
            else:
                by_operation[op] = primary
        for op_name in model.operation_names:
            key = f"{botocore_name}.{op_name}"
            cmd = by_operation.get(op_name)
            if cmd is None:
                result["operations"][key] = {"hidden": True}
                continue
            if cmd["name"] != xform_name(op_name, "-"):
                result["operations"][key] = {"cli_name": cmd["name"]}
            op_model = model.operation_model(op_name)
            members = op_model.input_shape.members if op_model.input_shape else {}
            required = set(op_model.input_shape.required_members) if op_model.input_shape else set()
            by_member = {}
            for arg in cmd.get("args", []):
                member = arg.get("member")
                if member is None or member not in members:
                    continue
                by_member.setdefault(member, []).append(arg)
            for member in members:
                args = by_member.get(member)
                akey = f"{key}.{member}"
                if not args:
                    result["arguments"][akey] = {"hidden": True}
                    continue
                default = xform_name(member, "-")
                # The primary option: the rule's name if the CLI has it, else
                # the first positive one.
                positive = [a for a in args if not a.get("negates")]
                primary = next((a for a in args if a["name"] == default), (positive or args)[0])
                over = {}
                if primary["name"] != default:
                    over["cli_name"] = primary["name"]
                if (member in required) != bool(primary.get("required")):
                    over["required"] = bool(primary.get("required"))
                is_bool = members[member].type_name == "boolean"
                aliases = []
                for a in args:
                    if a is primary:
                        continue
                    if is_bool and a["name"] == "no-" + primary["name"]:
                        continue
                    alias = {"name": a["name"]}
                    if a.get("negates"):
                        alias["negative"] = True
                    if a.get("nargs") is not None:
                        alias["nargs"] = str(a["nargs"])
                    aliases.append(alias)
                if aliases:
                    over["aliases"] = aliases
                if not is_bool and primary.get("nargs") in (0, "?"):
                    over["nargs"] = str(primary["nargs"])
                if over:
                    result["arguments"][akey] = over
            extra = [
                cli_arg(a)
                for a in cmd.get("args", [])
                if (a.get("member") is None or a.get("member") not in members) and a["name"] not in STANDARD
            ]
            if extra:
                result["extra_arguments"][key] = extra
    json.dump(result, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")
    print(
        f"{len(result['service_renames'])} service renames, "
        f"{len(result['operations'])} operation overrides, "
        f"{len(result['arguments'])} argument overrides, "
        f"{len(result['extra_arguments'])} commands with extra options, "
        f"{len(result['commands'])} CLI commands",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()

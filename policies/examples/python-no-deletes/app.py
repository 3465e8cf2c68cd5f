"""The `no-deletes` policy, in Python: denies commands that delete, terminate,
remove or purge, except those its settings allow.

Settings (optional JSON): {"allow": ["aws ec2 terminate-instances", ...]}
"""

import json

from componentize_py_types import Err
from wit_world import exports
from wit_world.imports.types import Decision_Abstain, Decision_Deny, Metadata, Request

PREFIXES = ("delete-", "terminate-", "remove-", "purge-")
S3_COMMANDS = {"rm", "rb"}

# The commands the settings allow. Module state, not instance state:
# componentize-py makes a new `Evaluator` for every call.
allowed: frozenset[str] = frozenset()


class Evaluator(exports.Evaluator):
    def describe(self) -> Metadata:
        return Metadata(
            "no-deletes",
            "0.1.0",
            "denies commands that delete, terminate, remove or purge, except those its settings allow",
        )

    def configure(self, config: str) -> None:
        global allowed
        if not config.strip():
            return
        try:
            settings = json.loads(config)
        except json.JSONDecodeError as e:
            raise Err(f"the no-deletes settings are not valid JSON ({e}); write them as "
                      '{"allow": ["aws ec2 terminate-instances"]}')
        if not isinstance(settings, dict) or set(settings) - {"allow"}:
            raise Err('the no-deletes settings must be an object whose only key is "allow", '
                      'as in {"allow": ["aws ec2 terminate-instances"]}')
        allow = settings.get("allow", [])
        if not isinstance(allow, list) or not all(isinstance(a, str) for a in allow):
            raise Err('"allow" in the no-deletes settings must be a list of commands '
                      'such as "aws ec2 terminate-instances"')
        allowed = frozenset(" ".join(a.split()) for a in allow)

    def evaluate(self, request: Request):
        service = request.command.cli_service
        operation = request.command.cli_operation
        shown = f"aws {service} {operation}"
        deletes = operation.startswith(PREFIXES) or (service == "s3" and operation in S3_COMMANDS)
        if not deletes or shown in allowed:
            return Decision_Abstain()
        return Decision_Deny(
            f"`{shown}` deletes resources, which the no-deletes policy forbids; "
            "delete them yourself in the AWS console, or ask an administrator to add "
            f'"{shown}" to the "allow" list in no-deletes.json'
        )

"""Resolves endpoints with botocore's own rule engine, for the host's
endpoint differential test (tests/tests/all/endpoints.rs).

Usage: python endpoints.py RULES.json PARTITIONS.json < cases.jsonl > answers.jsonl

RULES.json maps a service to its rule set (taken from the host's models, so
only the engine differs); each case is {"service": ..., "params": {...}};
each answer is {"url", "properties", "headers"} or {"error": message}.
Pure computation: nothing is sent anywhere.
"""

import json
import sys

# awscli 1.46 ships botocore inside itself as `awscli.botocore` and makes
# `botocore` an alias of it once imported.
from awscli.botocore.endpoint_provider import RuleSet
from botocore.exceptions import EndpointResolutionError


def main() -> None:
    with open(sys.argv[1]) as f:
        rules = json.load(f)
    with open(sys.argv[2]) as f:
        partitions = json.load(f)
    rulesets = {}
    for line in sys.stdin:
        case = json.loads(line)
        service = case["service"]
        if service not in rulesets:
            rulesets[service] = RuleSet(**rules[service], partitions=partitions)
        try:
            # RuleSet.evaluate, not EndpointProvider: its cache needs
            # hashable parameters and string arrays are lists here.
            endpoint = rulesets[service].evaluate(dict(case["params"]))
            if endpoint is None:
                answer = {"error": "no endpoint found"}
            else:
                answer = {
                    "url": endpoint.url,
                    "properties": endpoint.properties,
                    "headers": endpoint.headers,
                }
        except EndpointResolutionError as e:
            answer = {"error": str(e)}
        print(json.dumps(answer))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes Tollgate's Pipedrive cost table from Pipedrive's public OpenAPI specs.

Every operation of the specs carries its token cost in an `x-token-cost` extension. This script turns
them into the CSV the `pipedrive` preset reads (api_version,method,path,cost):

    python3 tools/pipedrive_costs.py v1.yaml v2.yaml [older-v1.yaml ...] > pipedrive-costs.csv

The specs are published at https://developers.pipedrive.com/docs/api/v1/openapi.yaml (v1, served under
/v1) and https://developers.pipedrive.com/docs/api/v1/openapi-v2.yaml (v2, served under /api/v2). Older
specs given after the first two add the operations they have that the current ones dropped (deprecated
endpoints that clients may still call), marked as such. Needs PyYAML (Debian: python3-yaml).
"""
import sys

import yaml

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def operations(spec_path):
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(spec_path, encoding="utf-8") as f:
        spec = yaml.load(f, Loader=loader)
    server = spec["servers"][0]["url"]
    version = "v2" if server.rstrip("/").endswith("/api/v2") else "v1"
    prefix = "/api/v2" if version == "v2" else "/v1"
    found = {}
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method.upper() not in METHODS:
                continue
            cost = op.get("x-token-cost")
            if not isinstance(cost, int) or cost < 0:
                sys.exit(f"{spec_path}: {method.upper()} {path} has no usable x-token-cost: {cost!r}")
            found[(version, method.upper(), prefix + path)] = (cost, op.get("operationId", ""))
    return found


def main(args):
    if len(args) < 2:
        sys.exit(__doc__)
    current = {}
    for spec in args[:2]:
        current.update(operations(spec))
    dropped = {}
    for spec in args[2:]:
        for key, value in operations(spec).items():
            if key not in current:
                dropped[key] = value
    order = lambda item: (item[0][0], item[0][2], METHODS.index(item[0][1]))
    print("api_version,method,path,cost")
    print("# OAuth endpoints (oauth.pipedrive.com) cost nothing")
    print(",POST,/oauth/**,0")
    print(",GET,/oauth/**,0")
    print(f"# {len(current)} operations of the current specs, each with its x-token-cost")
    for (version, method, path), (cost, op) in sorted(current.items(), key=order):
        print(f"{version},{method},{path},{cost}")
    if dropped:
        print(f"# {len(dropped)} deprecated operations the current specs no longer list, with the cost an older spec gave them")
        for (version, method, path), (cost, op) in sorted(dropped.items(), key=order):
            print(f"{version},{method},{path},{cost}")


if __name__ == "__main__":
    main(sys.argv[1:])

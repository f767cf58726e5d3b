"""Redirect the AWS CLI v2 (and botocore) to the stand-in through `AWS_DATA_PATH`.

CLI 2.9.19 ignores `AWS_ENDPOINT_URL_*` (that arrived in 2.13.0), but it loads endpoint rule
sets from every folder in `AWS_DATA_PATH` before its own data. A folder holding
`sso-oidc/2019-06-10/endpoint-rule-set-1.json`, `sso/2019-06-10/endpoint-rule-set-1.json` and
`sts/2011-06-15/endpoint-rule-set-1.json` whose rules answer "the stand-in" therefore sends
`aws sso login`, `configure export-credentials`, token refresh, `sso logout` and
`sts get-caller-identity` / role assumption to loopback. botocore honours the same variable, so
boto3 follows too (an explicit `endpoint_url` / `AWS_ENDPOINT_URL_*` still wins: the first rule
keeps it). The first folder in `AWS_DATA_PATH` holding a service's rule set wins.

Standard library only: no botocore import (the demo and the benchmarks run this).
"""

from __future__ import annotations

import copy
import gzip
import importlib.util
import json
import os
from pathlib import Path
from typing import Any

# Service -> the API version whose rule set the CLI loads.
SERVICES = {"sso-oidc": "2019-06-10", "sso": "2019-06-10", "sts": "2011-06-15"}
RULESET_FILE = "endpoint-rule-set-1.json"

# Where original rule sets live: Debian's awscli package first (the CLI we redirect), then
# wherever a standalone AWS CLI v2 installer puts its bundled botocore.
_CLI_DATA_DIRS = (
    "/usr/lib/python3/dist-packages/awscli/botocore/data",
    "/usr/local/aws-cli/v2/current/dist/awscli/botocore/data",
)

# Used when no original is installed: the parameters every AWS rule set of this era declares.
_FALLBACK_PARAMETERS: dict[str, Any] = {
    "Region": {"builtIn": "AWS::Region", "required": False, "type": "String"},
    "UseDualStack": {
        "builtIn": "AWS::UseDualStack",
        "required": True,
        "default": False,
        "type": "Boolean",
    },
    "UseFIPS": {"builtIn": "AWS::UseFIPS", "required": True, "default": False, "type": "Boolean"},
    "Endpoint": {"builtIn": "SDK::Endpoint", "required": False, "type": "String"},
}


def redirect_rules(url: str) -> list[dict[str, Any]]:
    """Rules that honour an explicit endpoint (`--endpoint-url`, `AWS_ENDPOINT_URL_*`) and
    otherwise send every request to `url`."""
    empty: dict[str, Any] = {"properties": {}, "headers": {}}
    return [
        {
            "conditions": [{"fn": "isSet", "argv": [{"ref": "Endpoint"}]}],
            "endpoint": {"url": {"ref": "Endpoint"}, **empty},
            "type": "endpoint",
        },
        {"conditions": [], "endpoint": {"url": url, **empty}, "type": "endpoint"},
    ]


def _candidate_files(service: str) -> list[Path]:
    rel = Path(service) / SERVICES[service] / RULESET_FILE
    candidates = [Path(base) / rel for base in _CLI_DATA_DIRS]
    # The installed botocore's copy (gzipped in recent releases), located without importing it.
    spec = importlib.util.find_spec("botocore")
    if spec is not None and spec.origin:
        data = Path(spec.origin).parent / "data" / rel
        candidates += [data, data.with_name(data.name + ".gz")]
    return candidates


def original_ruleset(service: str) -> dict[str, Any]:
    """The installed rule set for `service` (CLI's copy preferred), or a minimal equivalent."""
    for path in _candidate_files(service):
        try:
            raw = path.read_bytes()
        except OSError:
            continue
        if path.suffix == ".gz":
            raw = gzip.decompress(raw)
        try:
            ruleset = json.loads(raw)
        except ValueError:
            continue
        if isinstance(ruleset, dict) and "parameters" in ruleset:
            return ruleset
    return {"version": "1.0", "parameters": copy.deepcopy(_FALLBACK_PARAMETERS), "rules": []}


def write_cli_data_path(directory: str | os.PathLike[str], url: str, *, sts: bool = True) -> str:
    """Write the redirecting rule sets for `sso-oidc`, `sso` and (unless `sts=False`) `sts`
    under `directory` (created if needed) and return its absolute path, the value for
    `AWS_DATA_PATH`.

    Rewriting an existing folder for a new URL is fine: files are replaced atomically.
    """
    root = Path(directory).resolve()
    for service, version in SERVICES.items():
        if service == "sts" and not sts:
            continue
        ruleset = original_ruleset(service)
        ruleset["rules"] = redirect_rules(url.rstrip("/"))
        target = root / service / version / RULESET_FILE
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_text(json.dumps(ruleset, indent=1), encoding="utf-8")
        os.replace(tmp, target)
    return str(root)

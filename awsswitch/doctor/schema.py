"""The `doctor --json` schema (a JSON Schema, draft 2020-12 subset) and a small checker for
exactly the keywords it uses, so tests and scripts need no jsonschema package.

Stability: `schema_version` changes only when a field is removed or changes meaning; new
fields and new finding ids may appear within a version (consumers ignore what they do not
know). docs/doctor.md prints this schema; a test keeps the two equal."""

from __future__ import annotations

from typing import Any

SCHEMA_VERSION = 1

_STR = {"type": "string"}
_OPT_STR = {"type": ["string", "null"]}
_OPT_INT = {"type": ["integer", "null"]}


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": list(properties),
        "additionalProperties": False,
        "properties": properties,
    }


FINDING = _object(
    {
        "id": _STR,
        "severity": {"enum": ["problem", "info"]},
        "title": _STR,
        "why": _STR,
        "fix": _OPT_STR,
        "hint": _OPT_STR,
        "subject": _OPT_STR,
        "details": {"type": "object", "additionalProperties": _STR},
    }
)

RESOLUTION = _object(
    {
        "consumer": {"enum": ["aws-cli-v2", "botocore"]},
        "profile": _OPT_STR,
        "profile_source": {"enum": ["AWS_PROFILE", "AWS_DEFAULT_PROFILE", "default", None]},
        "credentials": {
            "enum": ["environment", "web-identity", "profile", "container", "none", "error"]
        },
        "kind": {"enum": ["sso", "sso-legacy", "keys", "role", "process", "login", "other", None]},
        "account_id": _OPT_STR,
        "role": _OPT_STR,
        "region": _OPT_STR,
        "region_source": {"enum": ["AWS_REGION", "AWS_DEFAULT_REGION", "profile", None]},
    }
)

SSO = _object(
    {
        "session": _OPT_STR,
        "start_url": _OPT_STR,
        "state": {"enum": ["fresh", "refreshable", "login-needed"]},
        "reason": _STR,
        "expires_at": _OPT_STR,
        "seconds_left": _OPT_INT,
        "refresh_until": _OPT_STR,
        "cache_file": _STR,
    }
)

VERIFICATION = _object(
    {
        "account": _OPT_STR,
        "arn": _OPT_STR,
        "expected_account": _OPT_STR,
        "expected_role": _OPT_STR,
        "matches": {"type": ["boolean", "null"]},
        "error": _OPT_STR,
    }
)

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "awsswitch doctor --json",
    **_object(
        {
            "schema_version": {"const": SCHEMA_VERSION},
            "ok": {"type": "boolean"},
            "exit_code": {"enum": [0, 1]},
            "shell": {"enum": ["bash", "zsh", "fish"]},
            "requested": _OPT_STR,
            "intended": _OPT_STR,
            "intended_why": _STR,
            "prompt": _OPT_STR,
            "resolutions": {"type": "array", "items": RESOLUTION},
            "sso": {"anyOf": [{"type": "null"}, SSO]},
            "verification": {"anyOf": [{"type": "null"}, VERIFICATION]},
            "findings": {"type": "array", "items": FINDING},
            "summary": _object({"problems": {"type": "integer"}, "info": {"type": "integer"}}),
        }
    ),
}

_TYPES = {
    "string": str,
    "integer": int,
    "boolean": bool,
    "object": dict,
    "array": list,
    "null": type(None),
}


def _is(value: Any, name: str) -> bool:
    if name == "integer" and isinstance(value, bool):
        return False
    return isinstance(value, _TYPES[name])


def errors(value: Any, schema: dict[str, Any], where: str = "$") -> list[str]:
    """Why `value` does not match `schema` (empty: it does). Keywords: type, enum, const,
    anyOf, properties, required, additionalProperties (bool or schema), items."""
    out: list[str] = []
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_is(value, t) for t in types):
            return [f"{where}: {type(value).__name__} is not {' or '.join(types)}"]
    if "enum" in schema and not any(value == e and type(value) is type(e) for e in schema["enum"]):
        out.append(f"{where}: {value!r} is not one of {schema['enum']!r}")
    if "const" in schema and not (
        value == schema["const"] and type(value) is type(schema["const"])
    ):
        out.append(f"{where}: {value!r} is not {schema['const']!r}")
    if "anyOf" in schema and all(errors(value, s, where) for s in schema["anyOf"]):
        out.append(f"{where}: matches none of anyOf")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        out += [f"{where}: missing {k!r}" for k in schema.get("required", []) if k not in value]
        extra = schema.get("additionalProperties", True)
        for k, v in value.items():
            if k in props:
                out += errors(v, props[k], f"{where}.{k}")
            elif extra is False:
                out.append(f"{where}: unexpected {k!r}")
            elif isinstance(extra, dict):
                out += errors(v, extra, f"{where}.{k}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            out += errors(item, schema["items"], f"{where}[{i}]")
    return out


# Every finding id (docs/doctor.md describes each); scripts may match on them.
FINDING_IDS = (
    # files
    "file-relative", "file-missing", "file-unusual", "file-disabled", "file-unreadable",
    "file-permissions", "config-parse", "credentials-shadow",
    # environment
    "env-credentials", "env-credentials-partial", "env-credentials-stale", "empty-variable",
    "default-profile", "aws-vault", "awsume", "awsu", "aws-sso-cli", "web-identity-env",
    "region-mismatch", "region-ignored", "region-override", "region-missing",
    "endpoint-override", "proxy", "container-credentials", "profile-by-hand",
    # profiles
    "profile-not-found", "profile-not-active", "source-profile-loop", "source-profile-missing",
    "source-profile-empty", "sso-session-missing", "sso-login-needed", "sso-refresh-due",
    # tools and shells
    "awsswitch-aws-cli", "aws-cli-missing", "aws-cli-unknown", "aws-cli-v1", "aws-cli-old",
    "integration-not-loaded", "fish-universal", "kubeconfig-unreadable", "kube-profile",
    "kube-profile-other",
    # --verify
    "verify-failed", "verify-mismatch",
)  # fmt: skip

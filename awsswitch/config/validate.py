"""Validation of what awsswitch writes into ~/.aws/config (used by `configure` and `sync`).

Each checker returns the (possibly normalised) value or raises `ValidationError` (a `UsageError`:
exit code 2) whose message names the value and says exactly what is wrong with it. `why_*`
functions return that reason (or None) for callers that re-prompt instead of failing.

- `start_url(v)`: an https URL with a host (`https://d-1234567890.awsapps.com/start`).
- `region(v)`: an AWS region name by the partitions' patterns (awsswitch.regions: `eu-west-1`,
  `us-gov-west-1`, `cn-north-1`, `us-isob-east-1`).
- `account_id(v)`: exactly 12 ASCII digits.
- `role_name(v)`: an IAM role / permission-set name.
- `output_format(v)`: json, text, table, yaml, yaml-stream or off.
- `scopes(v)`: a comma-separated list of registration scopes.
- `section_name(v, what)`: a profile or sso-session name usable in a section header.
- `config_key(k)`, `config_value(v, key)`, `nested_key(k)`: what the round-trip editor accepts.
"""

from __future__ import annotations

import re

from awsswitch import regions
from awsswitch.errors import UsageError


class ValidationError(UsageError):
    """A value that cannot be written to the config; the message says why."""


OUTPUT_FORMATS = ("json", "text", "table", "yaml", "yaml-stream", "off")
DEFAULT_SCOPES = "sso:account:access"

_ACCOUNT = re.compile(r"[0-9]{12}", re.ASCII)
_ROLE = re.compile(r"[\w+=,.@-]{1,64}", re.ASCII)
_SCOPE = re.compile(r"[^\s,]+")


def _fail(what: str, value: str, reason: str) -> ValidationError:
    return ValidationError(f"invalid {what} {value!r}: {reason}")


def _bad_char(value: str) -> str | None:
    for ch in value:
        if not ch.isprintable():
            return f"it contains the non-printable character U+{ord(ch):04X}"
    return None


def why_start_url(value: str) -> str | None:
    from urllib.parse import urlsplit

    bad = _bad_char(value)
    if bad:
        return bad
    if any(ch.isspace() for ch in value):
        return "it contains whitespace"
    if not value.lower().startswith("https://"):
        return "it must start with https:// (e.g. https://d-1234567890.awsapps.com/start)"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        return f"it is not a valid URL ({exc})"
    if "@" in parts.netloc:
        return "it must not contain user:password@"
    if not parts.hostname:
        return "it has no host name after https://"
    return None


def start_url(value: str) -> str:
    reason = why_start_url(value)
    if reason:
        raise _fail("SSO start URL", value, reason)
    return value


def why_region(value: str) -> str | None:
    """The one region rule (awsswitch.regions), shared with `asw -r` and `sync --region`."""
    return regions.why_not(value)


def region(value: str, what: str = "region") -> str:
    reason = why_region(value)
    if reason:
        raise _fail(what, value, reason)
    return value


def why_account_id(value: str) -> str | None:
    if _ACCOUNT.fullmatch(value):
        return None
    compact = value.replace("-", "").replace(" ", "")
    if _ACCOUNT.fullmatch(compact):
        return f"write it as 12 digits without separators: {compact}"
    digits = sum(ch in "0123456789" for ch in value)
    if digits == len(value):
        return f"an AWS account id has exactly 12 digits, this has {len(value)}"
    return "an AWS account id is exactly 12 digits (0-9)"


def account_id(value: str) -> str:
    reason = why_account_id(value)
    if reason:
        raise _fail("account id", value, reason)
    return value


def why_role_name(value: str) -> str | None:
    if _ROLE.fullmatch(value):
        return None
    if not value:
        return "it is empty"
    if len(value) > 64:
        return f"role names have at most 64 characters, this has {len(value)}"
    return "role names contain only letters, digits and + = , . @ _ -"


def role_name(value: str) -> str:
    reason = why_role_name(value)
    if reason:
        raise _fail("role name", value, reason)
    return value


def why_output_format(value: str) -> str | None:
    if value in OUTPUT_FORMATS:
        return None
    return "the AWS CLI's output formats are " + ", ".join(OUTPUT_FORMATS)


def output_format(value: str) -> str:
    reason = why_output_format(value)
    if reason:
        raise _fail("output format", value, reason)
    return value


def why_scopes(value: str) -> str | None:
    bad = _bad_char(value)
    if bad:
        return bad
    items = [s.strip() for s in value.split(",")]
    if not value.strip() or any(not s for s in items):
        return "give one or more scopes separated by commas (e.g. sso:account:access)"
    for s in items:
        if not _SCOPE.fullmatch(s):
            return f"scope {s!r} contains whitespace"
    return None


def scopes(value: str) -> str:
    """Registration scopes, returned as `a,b` (items stripped; the AWS CLI splits on commas)."""
    reason = why_scopes(value)
    if reason:
        raise _fail("registration scopes", value, reason)
    return ",".join(s.strip() for s in value.split(","))


def why_section_name(value: str) -> str | None:
    """Why `value` cannot be a profile / sso-session name in a section header (None if it can)."""
    if not value:
        return "it is empty"
    for ch in value:
        if not ch.isprintable():
            return (
                f"it contains the non-printable character U+{ord(ch):04X} "
                "(a section header is one line and names must display safely)"
            )
    if value.strip() != value:
        return (
            "it starts or ends with whitespace (invisible in listings, and section headers "
            "strip it unless quoted)"
        )
    if "[" in value or "]" in value:
        return "it contains '[' or ']', and many INI readers end a section header at the first ']'"
    return None


def section_name(value: str, what: str = "profile name") -> str:
    reason = why_section_name(value)
    if reason:
        raise _fail(what, value, reason)
    return value


def why_config_key(key: str) -> str | None:
    if not key:
        return "it is empty"
    bad = _bad_char(key)
    if bad:
        return bad
    if key.strip() != key:
        return "it starts or ends with whitespace"
    if "=" in key or ":" in key:
        return "'=' and ':' separate a key from its value"
    if key[0] in "#;[":
        return f"a line starting with {key[0]!r} is not read as a key"
    return None


def config_key(key: str) -> str:
    reason = why_config_key(key)
    if reason:
        raise _fail("config key", key, reason)
    return key


def why_config_value(value: str) -> str | None:
    bad = _bad_char(value)
    if bad:
        return bad + " (a value is one line)"
    if value.strip() != value:
        return "botocore strips surrounding whitespace, so it would read back differently"
    return None


def config_value(value: str, key: str = "value") -> str:
    reason = why_config_value(value)
    if reason:
        raise _fail(f"value for {key}", value, reason)
    return value


def nested_key(key: str) -> str:
    reason = why_config_key(key)
    if reason:
        raise _fail("nested config key", key, reason)
    return key

"""Reading ~/.aws/config and ~/.aws/credentials with botocore's semantics (stdlib only).

TEMPORARY implementation on configparser; the config-model work replaces it with a
faster reader proven equal to `botocore.configloader` (same public functions).
"""

from __future__ import annotations

import configparser
import shlex
from typing import Any

from awsswitch.errors import ConfigParseError

Section = dict[str, Any]  # values are str, or dict[str, str] for nested blocks


def raw_parse(path: str) -> dict[str, Section]:
    """Sections as `botocore.configloader.raw_config_parse` returns them ({} if missing)."""
    cp = configparser.RawConfigParser()
    try:
        with open(path, encoding="utf-8") as fh:
            cp.read_file(fh, path)
    except FileNotFoundError:
        return {}
    except configparser.Error as exc:
        raise ConfigParseError(path, getattr(exc, "lineno", None), str(exc)) from None
    out: dict[str, Section] = {}
    for name in cp.sections():
        out[name] = dict(cp.items(name))
    return out


def _profile_name(section: str) -> str | None:
    parts = shlex.split(section)
    if len(parts) == 2 and parts[0] == "profile":
        return parts[1]
    return None


def load_config(path: str) -> dict[str, Any]:
    """Equivalent of `botocore.configloader.load_config(path)`."""
    raw = raw_parse(path)
    profiles: dict[str, Section] = {}
    sso_sessions: dict[str, Section] = {}
    services: dict[str, Section] = {}
    out: dict[str, Any] = {}
    for key, values in raw.items():
        if key.startswith("profile"):
            name = _profile_name(key)
            if name is not None:
                profiles[name] = values
        elif key.startswith("sso-session"):
            name = key.split(None, 1)[1] if " " in key else None
            if name:
                sso_sessions[name] = values
        elif key.startswith("services"):
            name = key.split(None, 1)[1] if " " in key else None
            if name:
                services[name] = values
        elif key == "default":
            profiles["default"] = values
        else:
            out[key] = values
    out["profiles"] = profiles
    out["sso_sessions"] = sso_sessions
    out["services"] = services
    return out

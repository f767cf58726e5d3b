"""The profile model: what each profile is, its short name, its SSO root (stdlib only).

Public API used by the switch path, `list`, completions and the token code:
- `Profile`, `ProfileIndex`, `load_index(env)`, `short_names(names)`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from awsswitch import configfile, environment
from awsswitch.errors import AwsswitchError

# Profile kinds, as shown by `awsswitch list`.
KIND_SSO = "sso"  # sso_session = NAME
KIND_SSO_LEGACY = "sso-legacy"  # sso_start_url in the profile itself
KIND_KEYS = "keys"  # aws_access_key_id
KIND_ROLE = "role"  # role_arn + source_profile / credential_source
KIND_PROCESS = "process"  # credential_process
KIND_OTHER = "other"  # e.g. only region/output


@dataclass(frozen=True)
class Profile:
    name: str
    short: str
    kind: str
    sso_session: str | None = None
    sso_start_url: str | None = None
    sso_region: str | None = None
    account_id: str | None = None
    role_name: str | None = None
    region: str | None = None
    source_profile: str | None = None
    in_config: bool = True
    in_credentials: bool = False


@dataclass
class ProfileIndex:
    """Every profile botocore would see, in `available_profiles` order, plus sso-sessions."""

    profiles: list[Profile]
    sso_sessions: dict[str, dict[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_name: dict[str, Profile] = {p.name: p for p in self.profiles}

    def sso_root(self, name: str) -> Profile | None:
        """The SSO profile at the end of `name`'s source_profile chain, if any.

        Raises AwsswitchError on a source_profile loop.
        """
        seen: list[str] = []
        current = self.by_name.get(name)
        while current is not None:
            if current.kind in (KIND_SSO, KIND_SSO_LEGACY):
                return current
            if current.name in seen:
                chain = " -> ".join([*seen, current.name])
                raise AwsswitchError(f"source_profile loop: {chain}")
            seen.append(current.name)
            if not current.source_profile or current.source_profile == current.name:
                return None
            current = self.by_name.get(current.source_profile)
        return None


def short_names(names: list[str]) -> dict[str, str]:
    """Name without its first dot-component when it has 3+ components and stays unique."""
    candidates: dict[str, str] = {}
    counts: dict[str, int] = {}
    for n in names:
        parts = n.split(".")
        cand = ".".join(parts[1:]) if len(parts) >= 3 else n
        candidates[n] = cand
        counts[cand] = counts.get(cand, 0) + 1
    full = set(names)
    out: dict[str, str] = {}
    for n, cand in candidates.items():
        if cand != n and (counts[cand] > 1 or cand in full):
            cand = n
        out[n] = cand
    return out


def _str(v: Any) -> str | None:
    return v if isinstance(v, str) else None


def classify(values: Mapping[str, Any]) -> str:
    if "sso_session" in values:
        return KIND_SSO
    if "sso_start_url" in values:
        return KIND_SSO_LEGACY
    if "role_arn" in values and ("source_profile" in values or "credential_source" in values):
        return KIND_ROLE
    if "credential_process" in values:
        return KIND_PROCESS
    if "aws_access_key_id" in values:
        return KIND_KEYS
    return KIND_OTHER


def build_index(config: dict[str, Any], credentials: dict[str, Any]) -> ProfileIndex:
    cfg_profiles: dict[str, dict[str, Any]] = config.get("profiles", {})
    names = list(cfg_profiles)
    names += [n for n in credentials if n not in cfg_profiles]
    shorts = short_names(names)
    profiles: list[Profile] = []
    for n in names:
        values = dict(cfg_profiles.get(n, {}))
        values.update(credentials.get(n, {}))  # botocore: credentials file wins
        profiles.append(
            Profile(
                name=n,
                short=shorts[n],
                kind=classify(values),
                sso_session=_str(values.get("sso_session")),
                sso_start_url=_str(values.get("sso_start_url")),
                sso_region=_str(values.get("sso_region")),
                account_id=_str(values.get("sso_account_id")),
                role_name=_str(values.get("sso_role_name")),
                region=_str(values.get("region")),
                source_profile=_str(values.get("source_profile")),
                in_config=n in cfg_profiles,
                in_credentials=n in credentials,
            )
        )
    return ProfileIndex(profiles=profiles, sso_sessions=config.get("sso_sessions", {}))


def load_index(env: Mapping[str, str] | None = None) -> ProfileIndex:
    """Parse the config and credentials files named by `env`."""
    env = os.environ if env is None else env
    config = configfile.load_config(environment.config_file(env))
    credentials = configfile.raw_parse(environment.credentials_file(env))
    return build_index(config, credentials)

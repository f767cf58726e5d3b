"""kubeconfig users whose `exec` credential plugin pins another AWS profile than the shell's
(`env: [{name: AWS_PROFILE, value: ...}]` or `--profile` in `args`): kubectl then acts as
that profile whatever `asw` chose. PyYAML is imported here only (doctor alone reads YAML)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from awsswitch import files, paths
from awsswitch.doctor.facts import Facts
from awsswitch.doctor.model import INFO, PROBLEM, Finding

KUBE_LIMIT = 16 * 1024 * 1024
_PROFILE_VARS = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE")
_AWS_COMMANDS = frozenset({"aws", "aws-iam-authenticator"})


def kubeconfig_paths(env: Mapping[str, str]) -> list[str]:
    """$KUBECONFIG's entries (colon-separated, empty ones skipped), else ~/.kube/config."""
    value = env.get("KUBECONFIG")
    if value:
        return [p for p in value.split(os.pathsep) if p]
    return [os.path.join(paths.home(env), ".kube", "config")]


def _load(path: str) -> tuple[Any, str | None]:
    import yaml

    try:
        data = files.read_bytes(path, KUBE_LIMIT)
    except FileNotFoundError:
        return None, None
    except files.FileFault as exc:
        return None, exc.message
    except (OSError, ValueError) as exc:
        return None, f"cannot read {path}: {exc}"
    try:
        return yaml.safe_load(data), None
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        where = getattr(exc, "problem_mark", None)
        line = f", line {where.line + 1}" if where is not None else ""
        return None, f"{path}{line} is not valid YAML"


def _named(items: Any) -> list[tuple[str, dict[str, Any]]]:
    """(name, body) of a kubeconfig list such as `users` or `contexts`."""
    out = []
    for item in items if isinstance(items, list) else ():
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            out.append((item["name"], item))
    return out


def pinned_profile(user: Any) -> tuple[str, str] | None:
    """(profile, how) when the user's exec plugin pins an AWS profile."""
    exec_ = user.get("exec") if isinstance(user, dict) else None
    if not isinstance(exec_, dict):
        return None
    for entry in exec_.get("env") or ():
        if isinstance(entry, dict) and entry.get("name") in _PROFILE_VARS:
            value = entry.get("value")
            if isinstance(value, str):
                return value, f"exec env {entry['name']}"
    args = [a for a in exec_.get("args") or () if isinstance(a, str)]
    for i, arg in enumerate(args):
        if arg == "--profile" and i + 1 < len(args):
            return args[i + 1], "exec arg --profile"
        if arg.startswith("--profile="):
            return arg.split("=", 1)[1], "exec arg --profile"
    return None


class Kubeconfig:
    """kubectl's merge of several files: the first file to name a thing wins."""

    def __init__(self) -> None:
        self.current: str | None = None
        self.contexts: dict[str, str | None] = {}  # context -> user
        self.users: dict[str, tuple[dict[str, Any], str]] = {}  # user -> (body, file)
        self.errors: list[str] = []

    def add(self, path: str) -> None:
        data, error = _load(path)
        if error:
            self.errors.append(error)
        if not isinstance(data, dict):
            return
        current = data.get("current-context")
        if self.current is None and isinstance(current, str) and current:
            self.current = current
        for name, item in _named(data.get("contexts")):
            ctx = item.get("context")
            user = ctx.get("user") if isinstance(ctx, dict) else None
            self.contexts.setdefault(name, user if isinstance(user, str) else None)
        for name, item in _named(data.get("users")):
            body = item.get("user")
            if name not in self.users and isinstance(body, dict):
                self.users[name] = (body, path)


def _acts_as(kube: Kubeconfig, user: str | None, shell_profile: str) -> str | None:
    """The AWS profile kubectl acts as through `user` (None: not an AWS exec user)."""
    body = kube.users.get(user)[0] if user in kube.users else None
    exec_ = body.get("exec") if body is not None else None
    if not isinstance(exec_, dict):
        return None
    pin = pinned_profile(body)
    if pin is not None:
        return pin[0]
    command = exec_.get("command")
    if isinstance(command, str) and os.path.basename(command) in _AWS_COMMANDS:
        return shell_profile  # no pin: it follows the shell's AWS_PROFILE
    return None


def check(facts: Facts) -> list[Finding]:
    shell_profile = facts.intended
    kube = Kubeconfig()
    for path in kubeconfig_paths(facts.env):
        kube.add(path)
    out = [
        Finding(
            "kubeconfig-unreadable",
            INFO,
            error,
            "kubectl cannot use it either",
            subject=error.split(" ", 1)[0],
        )
        for error in kube.errors
    ]
    if shell_profile is None:
        return out
    pins = {}
    for user, (body, path) in kube.users.items():
        pin = pinned_profile(body)
        if pin is not None and pin[0] != shell_profile:
            pins[user] = (pin, path)
    if not pins:
        return out
    current_user = kube.contexts.get(kube.current) if kube.current else None
    for user, ((profile, how), path) in pins.items():
        if user != current_user:
            continue
        better = [
            c
            for c, u in kube.contexts.items()
            if c != kube.current and _acts_as(kube, u, shell_profile) == shell_profile
        ]
        out.append(
            Finding(
                "kube-profile",
                PROBLEM,
                f"kubectl's current context {kube.current} uses user {user}, whose {how} "
                f"pins AWS profile {profile}",
                f"kubectl acts as {profile} while this shell uses {shell_profile}",
                fix=facts.fixes.last("kubectl", "config", "use-context", better[0])
                if better
                else facts.fixes.asw(profile),
                hint=None if better else f"edit the user's exec section in {path}",
                subject=user,
                details={"file": path, "profile": profile, "context": kube.current or ""},
            )
        )
    others = sorted(u for u in pins if u != current_user)
    if others:
        shown = ", ".join(f"{u} ({pins[u][0][0]})" for u in others[:5])
        out.append(
            Finding(
                "kube-profile-other",
                INFO,
                f"kubeconfig users that pin another AWS profile: {shown}"
                + (f" and {len(others) - 5} more" if len(others) > 5 else ""),
                "contexts that use them act as those profiles, whatever `asw` chose",
                subject=others[0],
            )
        )
    return out

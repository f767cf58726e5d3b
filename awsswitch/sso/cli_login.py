"""Logging in through the AWS CLI v2 (`aws sso login`), when one is available.

Which CLI: `$AWSSWITCH_AWS_CLI` (a path or a command name; `native` or `none` forces the
built-in flows), else `aws` on PATH. A v1 CLI has no `sso login`, and a v2 older than
2.9.0 knows no `--sso-session`: both are detected with `aws --version` and skipped.

Only run for a person at a terminal (the switch never logs in off one), who can Ctrl-C it;
`LOGIN_TIMEOUT` is a backstop past the CLI's own limits (a device code lasts 10 minutes,
its browser flow waits 10 minutes).
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass

from awsswitch.context import display, which
from awsswitch.errors import AwsswitchError
from awsswitch.sso.state import SsoTarget

ENV_VAR = "AWSSWITCH_AWS_CLI"
_NATIVE_VALUES = {"native", "none", "builtin", "off"}
_VERSION_RE = re.compile(r"aws-cli/(\d+)\.(\d+)\.(\d+)")
_SSO_SESSION_SINCE = (2, 9, 0)  # `aws sso login --sso-session` appeared in 2.9.0
_DEVICE_CODE_FLAG_SINCE = (2, 22, 0)  # PKCE became the default, `--use-device-code` appeared
VERSION_TIMEOUT = 60  # seconds for `aws --version` (a cold CLI can take a few)
LOGIN_TIMEOUT = 20 * 60  # seconds: a backstop, past what the CLI itself waits for

# Profile variables dropped from the child's environment: `--sso-session`/`--profile` say
# what to log into, and a stale AWS_PROFILE naming a missing profile would make it fail.
_DROP = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE")


@dataclass(frozen=True)
class Cli:
    path: str
    version: tuple[int, int, int]


def version_of(path: str, env: Mapping[str, str]) -> tuple[int, int, int] | None:
    """`aws --version` parsed; v1 prints it on stderr, v2 on stdout."""
    try:
        proc = subprocess.run(
            [path, "--version"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=VERSION_TIMEOUT,
            env=dict(env),
        )
    except (OSError, subprocess.SubprocessError):
        return None
    match = _VERSION_RE.search(proc.stdout + "\n" + proc.stderr)
    if match is None:
        return None
    major, minor, patch = (int(x) for x in match.groups())
    return major, minor, patch


def find(env: Mapping[str, str], *, legacy: bool, warn: bool = True) -> Cli | None:
    """The AWS CLI v2 to log in with, or None (use the native flow), saying why on stderr."""
    configured = env.get(ENV_VAR, "")
    if configured.strip().lower() in _NATIVE_VALUES:
        return None
    path = which(configured or "aws", env)
    if path is None:
        if configured and warn:
            print(
                f"awsswitch: {ENV_VAR}={configured} was not found; using the built-in login",
                file=sys.stderr,
            )
        return None
    version = version_of(path, env)
    if version is None or version[0] < 2:
        if warn:
            what = "not an AWS CLI" if version is None else "AWS CLI v1, which has no `sso login`"
            print(
                f"awsswitch: {path} is {what}; using the built-in login",
                file=sys.stderr,
            )
        return None
    if not legacy and version < _SSO_SESSION_SINCE:
        if warn:
            print(
                f"awsswitch: {path} is AWS CLI {'.'.join(map(str, version))}, older than "
                "2.9.0 (no --sso-session); using the built-in login",
                file=sys.stderr,
            )
        return None
    return Cli(path=path, version=version)


def command(
    cli: Cli, target: SsoTarget, *, no_browser: bool, device_code: bool | None = None
) -> list[str]:
    """`aws sso login` for `target`. `device_code` (default: `no_browser`): awsswitch chose
    the device code, passed on as `--use-device-code` to a CLI that has it (>= 2.22, whose
    default is the authorization code: its redirect must reach a browser on this machine,
    while a device code can be approved anywhere). Older CLIs only have the device code."""
    args = [cli.path, "sso", "login"]
    if target.session is not None:
        args += ["--sso-session", target.session]
    else:
        args += ["--profile", target.profile or ""]
    if no_browser:
        args.append("--no-browser")
    if (no_browser if device_code is None else device_code) and (
        cli.version >= _DEVICE_CODE_FLAG_SINCE
    ):
        args.append("--use-device-code")
    return args


def run(args: list[str], env: Mapping[str, str], shown: str, label: str) -> None:
    """Run an AWS CLI login command `args` (shown as `shown`, for `label`): stdin stays on
    the terminal, its stdout and stderr go to our stderr (never stdout, which the shell
    evals); the child's environment is `env` without AWS_PROFILE/AWS_DEFAULT_PROFILE (the
    command names its own). Bounded by LOGIN_TIMEOUT; exit 130 (or killed by SIGINT) is a
    Ctrl-C (KeyboardInterrupt), any other nonzero exit an AwsswitchError."""
    child_env = {k: v for k, v in env.items() if k not in _DROP}
    sys.stderr.flush()
    try:
        proc = subprocess.run(
            args,
            stdout=sys.stderr.fileno(),
            stderr=sys.stderr.fileno(),
            env=child_env,
            timeout=LOGIN_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        raise AwsswitchError(
            f"`{shown}` did not finish within {LOGIN_TIMEOUT // 60} minutes for {label}; "
            "it was stopped"
        ) from None
    except OSError as exc:
        raise AwsswitchError(f"could not run {display(args[0])}: {exc}") from None
    if proc.returncode in (130, -2):  # the CLI saw the Ctrl-C (SIGINT) before we did
        raise KeyboardInterrupt
    if proc.returncode != 0:
        raise AwsswitchError(f"`{shown}` failed (exit {proc.returncode}) for {label}")

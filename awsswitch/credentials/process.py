"""Running a profile's `credential_process` as botocore's ProcessProvider does, within bounds.

botocore: `shlex.split` the command (no shell), run it with our environment and standard input,
read its stdout as UTF-8 JSON: `Version` must be 1; `AccessKeyId` and `SecretAccessKey` are
required, `SessionToken` and `Expiration` optional. A non-zero exit is an error carrying its
stderr. Bounds botocore does not have: a time limit (a person may be answering an MFA prompt
or a browser sign-in on a terminal, so longer there), an output size limit, and a loop guard
(`awsswitch export P` as P's own credential_process) through an environment variable that
lists the profiles being resolved, as the CLI's `_AWS_CLI_PROFILE_CHAIN` does.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping

from awsswitch.context import display
from awsswitch.credentials import Credentials
from awsswitch.errors import AwsswitchError
from awsswitch.sso.state import parse_time, utc_now

CHAIN_VARIABLE = "_AWSSWITCH_PROFILE_CHAIN"
MAX_DEPTH = 4  # nested credential processes, as the CLI's _MAX_RECURSION
TIMEOUT = 60.0  # seconds, off a terminal
INTERACTIVE_TIMEOUT = 300.0  # on a terminal: a person may be signing in
OUTPUT_LIMIT = 1024 * 1024  # a Version 1 document is well under 10 KB
_STDERR_KEPT = 4096  # the tail of stderr, for the error message


def chain(env: Mapping[str, str]) -> list[str]:
    """The profiles whose credential processes led to this run (outermost first)."""
    raw = env.get(CHAIN_VARIABLE)
    if not raw:
        return []
    try:
        value = json.loads(raw)
    except ValueError:
        return []
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def check_chain(profile: str, env: Mapping[str, str]) -> None:
    """Refuse to resolve `profile` inside its own credential process, or too deep."""
    seen = chain(env)
    if profile in seen:
        cycle = " -> ".join(display(p) for p in [*seen, profile])
        raise AwsswitchError(f"credential_process loop: {cycle}")
    if len(seen) >= MAX_DEPTH:
        raise AwsswitchError(
            f"credential processes nested {len(seen)} deep ({' -> '.join(map(display, seen))})"
        )


def run(
    command: str,
    *,
    profile: str,
    env: Mapping[str, str],
    interactive: bool,
    outer: str | None = None,
) -> Credentials:
    """The credentials `command` prints; AwsswitchError when it fails, hangs or lies.
    `outer`: the profile being resolved, when `profile` is only the source of its role."""
    import shlex
    import subprocess

    what = f"the credential_process of profile {display(profile)}"
    try:
        argv = shlex.split(command)
    except ValueError as exc:
        raise AwsswitchError(f"cannot parse {what}: {exc}") from None
    if not argv:
        raise AwsswitchError(f"{what} is empty")
    child_env = dict(env)
    names = [*chain(env), *([outer] if outer and outer != profile else []), profile]
    child_env[CHAIN_VARIABLE] = json.dumps(names)
    timeout = INTERACTIVE_TIMEOUT if interactive else TIMEOUT
    try:
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=child_env)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise AwsswitchError(f"cannot run {what} ({display(argv[0])}): {reason}") from None
    try:
        out, err = _collect(proc, timeout, what)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if proc.returncode != 0:
        tail = [line for line in err.decode("utf-8", "replace").splitlines() if line.strip()]
        detail = f": {display(tail[-1].strip())[:300]}" if tail else ""
        raise AwsswitchError(f"{what} failed (exit status {proc.returncode}){detail}")
    return parse(out, what)


def _collect(proc: object, timeout: float, what: str) -> tuple[bytes, bytes]:
    """stdout and the tail of stderr, until both close and the process exits; kills it past
    `timeout` seconds or `OUTPUT_LIMIT` bytes."""
    import selectors
    import subprocess

    assert isinstance(proc, subprocess.Popen)
    deadline = time.monotonic() + timeout
    out, err = bytearray(), bytearray()
    with selectors.DefaultSelector() as selector:
        selector.register(proc.stdout, selectors.EVENT_READ, out)  # type: ignore[arg-type]
        selector.register(proc.stderr, selectors.EVENT_READ, err)  # type: ignore[arg-type]
        while selector.get_map():
            left = deadline - time.monotonic()
            if left <= 0:
                raise AwsswitchError(f"{what} did not finish within {timeout:.0f} s; stopped it")
            for key, _ in selector.select(left):
                chunk = os.read(key.fd, 65536)
                if not chunk:
                    selector.unregister(key.fileobj)
                    key.fileobj.close()  # type: ignore[union-attr]
                    continue
                buffer = key.data
                buffer += chunk
                if buffer is out and len(out) > OUTPUT_LIMIT:
                    raise AwsswitchError(
                        f"{what} printed more than {OUTPUT_LIMIT} bytes; stopped it"
                    )
                if buffer is err and len(err) > _STDERR_KEPT:
                    del err[:-_STDERR_KEPT]
    try:
        proc.wait(max(deadline - time.monotonic(), 0.01))
    except subprocess.TimeoutExpired:
        raise AwsswitchError(f"{what} did not finish within {timeout:.0f} s; stopped it") from None
    return bytes(out), bytes(err)


def parse(data: bytes, what: str = "the credential process") -> Credentials:
    """A Version 1 document (botocore's checks, plus types and an unexpired Expiration)."""
    try:
        document = json.loads(data.decode("utf-8"))
    except ValueError:
        raise AwsswitchError(f"{what} printed no valid JSON") from None
    if not isinstance(document, dict):
        raise AwsswitchError(f"{what} printed JSON that is not an object")
    version = document.get("Version", "<Version key not provided>")
    if version != 1:
        shown = display(str(version))[:40]
        raise AwsswitchError(
            f"unsupported Version {shown!r} from {what}: the supported version is 1"
        )
    values = {}
    for key in ("AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"):
        value = document.get(key)
        required = key in ("AccessKeyId", "SecretAccessKey")
        if value is None and not required:
            continue
        if not isinstance(value, str) or (required and not value):
            problem = "is missing" if value is None else "is not a non-empty string"
            raise AwsswitchError(f"{key} {problem} in the output of {what}")
        values[key] = value
    expiration = None
    if "Expiration" in values:
        expiration = parse_time(values["Expiration"])
        if expiration is None:
            raise AwsswitchError(f"Expiration in the output of {what} is not an ISO 8601 time")
        if expiration <= utc_now():
            raise AwsswitchError(f"{what} returned credentials that have already expired")
    return Credentials(
        values["AccessKeyId"],
        values["SecretAccessKey"],
        values.get("SessionToken"),
        expiration,
        "process",
    )

"""Console sessions of `aws login` (AWS CLI >= 2.32): profiles with `login_session = ARN`.

`aws login` signs in with AWS Management Console credentials, writes `login_session = <the
session's ARN>` into the profile, and caches short-lived credentials plus a refresh token in
`$AWS_LOGIN_CACHE_DIRECTORY` (else `~/.aws/login/cache/`) as `sha256(ARN).json`; botocore's
LoginProvider reads that file and refreshes it (docs/login-sessions.md: the format, its sources).

States, spelled as awsswitch.sso.state's so every reader shows them alike:
- fresh: the credentials (`accessToken.{accessKeyId, secretAccessKey, sessionToken}`) have
  more than 5 minutes left (botocore's LoginCredentialFetcher refreshes at 5 minutes, not
  before);
- refreshable: 5 minutes or less, or expired, but `refreshToken`, `clientId` and `dpopKey`
  are there and the sign-in (the `iat` of `idToken`) is less than 12 hours old, the longest
  the CLI refreshes a console session: any SDK with the login provider refreshes it on use;
- login-needed: anything else, including a missing, unreadable or corrupt file, or one
  botocore would refuse (it needs `accessToken`, `refreshToken`, `dpopKey` and `clientId`).

awsswitch does not refresh these itself (the refresh signs a DPoP proof with the EC key in
`dpopKey`, which needs more than the standard library): a refreshable session is used as it
is. A stale one is handed to `aws login --profile P` on a terminal, when the AWS CLI on PATH
(or `$AWSSWITCH_AWS_CLI`) is 2.32.0 or newer; otherwise the error says what to run.

Stdlib only and import-cheap: the switch core, `list`, `status`, the picker and the prompt
read states through `status()`; one bounded read per file (files.read_bytes, TOKEN_LIMIT),
never raising, never blocking on a FIFO or a device.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

from awsswitch import files, paths
from awsswitch.config.profiles import KIND_LOGIN, Profile, ProfileIndex
from awsswitch.errors import AwsswitchError
from awsswitch.record import Record
from awsswitch.sso import hook
from awsswitch.sso.state import (
    FRESH,
    LOGIN_NEEDED,
    REFRESHABLE,
    describe_left,
    load_json,
    loads,
    parse_time,
    utc_now,
)

# Annotation-only imports: collections.abc and typing cost milliseconds on every `asw`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from awsswitch.sso.cli_login import Cli


__all__ = [
    "FRESH",
    "LOGIN_NEEDED",
    "REFRESHABLE",
    "LoginNeeded",
    "LoginStatus",
    "LoginTarget",
    "cache_dir",
    "cache_key",
    "classify",
    "ensure_fresh",
    "link",
    "login",
    "status",
    "status_of",
]

ENV_VAR = paths.LOGIN_CACHE_VAR
REFRESH_WINDOW = 5 * 60  # seconds; botocore LoginCredentialFetcher._REFRESH_THRESHOLD
SESSION_LIMIT = 12 * 3600  # seconds after sign-in the CLI refreshes a console session, at most
MIN_CLI = (2, 32, 0)  # `aws login` appeared in AWS CLI 2.32.0
# What botocore's LoginCredentialFetcher.load_cached_credentials requires in the file.
_REQUIRED = ("accessToken", "refreshToken", "dpopKey", "clientId")
_CREDENTIALS = ("accessKeyId", "secretAccessKey", "sessionToken")
# What ensure_fresh did (the same words as awsswitch.sso.hook's).
KEPT = "kept"
LOGGED_IN = "logged-in"


class LoginTarget(Record):
    """One console session: the profile carrying `login_session` and its cache file."""

    profile: str  # the login profile (the end of the source_profile chain)
    session: str  # the login_session ARN, as written
    cache_file: str

    @property
    def label(self) -> str:
        """For messages; the name shown escaped (context.display)."""
        from awsswitch.context import display

        return f"the console session of profile {display(self.profile)}"

    @property
    def login_hint(self) -> str:
        """The command that signs this profile in again, ready to paste into a shell."""
        from awsswitch.sso.state import shell_word

        return f"aws login --profile {shell_word(self.profile)}"


class LoginStatus(Record):
    """Like sso.state.TokenStatus (state, cache_file, session, expires_at, reason,
    seconds_left()), for a console session; `session` is its ARN."""

    state: str
    cache_file: str = ""
    session: str = ""
    expires_at: datetime | None = None  # the cached credentials' expiry
    reason: str = ""
    account_id: str | None = None
    signed_in_at: datetime | None = None  # `iat` of the cached idToken
    start_url: str | None = None  # always None: a console session has no portal

    @property
    def refresh_until(self) -> datetime | None:
        """The latest the session can be refreshed (sign-in + 12 hours); None if unknown."""
        if self.signed_in_at is None:
            return None
        return self.signed_in_at + timedelta(seconds=SESSION_LIMIT)

    def seconds_left(self, now: datetime | None = None) -> float | None:
        """Seconds until the cached credentials expire (negative: expired); None without."""
        if self.expires_at is None:
            return None
        return (self.expires_at - (now or utc_now())).total_seconds()


def cache_dir(env: Mapping[str, str] | None = None) -> str:
    """The console sessions' cache folder (paths.login_cache_dir)."""
    return paths.login_cache_dir(env)


def cache_key(session: str) -> str:
    """botocore's generate_login_cache_key: sha256 of the login_session value, in hex."""
    return files.sha256_hex(session.encode("utf-8"))


def cache_file(session: str, env: Mapping[str, str] | None = None) -> str:
    return os.path.join(cache_dir(env), cache_key(session) + ".json")


def link(
    profile: Profile, index: ProfileIndex, env: Mapping[str, str] | None = None
) -> LoginTarget | None:
    """The console session `profile` takes its credentials from: its own `login_session`, or
    that of the profile its source_profile chain ends in; None when there is none. Raises
    AwsswitchError only on a source_profile loop (as ProfileIndex.chain does)."""
    for p in index.chain(profile.name):
        if p.kind == KIND_LOGIN and p.login_session is not None:
            return LoginTarget(p.name, p.login_session, cache_file(p.login_session, env))
    return None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _issued_at(id_token: Any) -> datetime | None:
    """The `iat` of a JWT's payload (no signature check: it only dates the sign-in)."""
    if not isinstance(id_token, str) or id_token.count(".") != 2:
        return None
    import binascii

    payload = id_token.split(".")[1].translate(_URLSAFE)
    try:
        claims = loads(binascii.a2b_base64(payload + "=" * (-len(payload) % 4)).decode("utf-8"))
        iat = claims.get("iat") if isinstance(claims, dict) else None
        if isinstance(iat, bool) or not isinstance(iat, (int, float)):
            return None
        return datetime.fromtimestamp(iat, timezone.utc)
    except (ValueError, UnicodeDecodeError, RecursionError, OverflowError, OSError):
        return None


_URLSAFE = str.maketrans("-_", "+/")


def classify(
    token: Mapping[str, Any] | None,
    now: datetime | None = None,
    *,
    missing: str = "",
    cache_file: str = "",
    session: str = "",
) -> LoginStatus:
    """The state of a cache file's content (None: no usable file, `missing` says why)."""
    now = now or utc_now()
    where = {"cache_file": cache_file, "session": session}
    if token is None:
        return LoginStatus(LOGIN_NEEDED, reason=missing or "no cached credentials", **where)
    absent = [k for k in _REQUIRED if k not in token]
    if absent:  # botocore refuses the file outright (LoginTokenLoadError)
        why = f"the cached session is incomplete (no {', '.join(absent)})"
        return LoginStatus(LOGIN_NEEDED, reason=why, **where)
    access = token["accessToken"]
    if not isinstance(access, dict):
        access = {}
    found: dict[str, Any] = {
        **where,
        "account_id": _text(access.get("accountId")),
        "signed_in_at": _issued_at(token.get("idToken")),
        "expires_at": parse_time(access.get("expiresAt")),
    }
    if not all(_text(access.get(k)) for k in _CREDENTIALS) or found["expires_at"] is None:
        why = "the cached credentials are invalid (no keys or no expiry)"
        return LoginStatus(LOGIN_NEEDED, reason=why, **{**found, "expires_at": None})
    left = (found["expires_at"] - now).total_seconds()
    if left > REFRESH_WINDOW:
        return LoginStatus(FRESH, reason="credentials valid", **found)
    expiring = "credentials expiring" if left > 0 else "credentials expired"
    if not all(_text(token.get(k)) for k in ("refreshToken", "clientId", "dpopKey")):
        return LoginStatus(LOGIN_NEEDED, reason=f"{expiring} and cannot be refreshed", **found)
    signed_in = found["signed_in_at"]
    if signed_in is not None and (now - signed_in).total_seconds() >= SESSION_LIMIT:
        why = f"{expiring}; the console session is over (signed in more than 12 hours ago)"
        return LoginStatus(LOGIN_NEEDED, reason=why, **found)
    return LoginStatus(REFRESHABLE, reason=expiring, **found)


def status_of(target: LoginTarget, now: datetime | None = None) -> LoginStatus:
    """The state of `target`'s cache file (one bounded read; never raises)."""
    token, missing = load_json(target.cache_file, "cached console session")
    return classify(
        token, now, missing=missing, cache_file=target.cache_file, session=target.session
    )


def status(
    profile: Profile,
    index: ProfileIndex,
    env: Mapping[str, str] | None = None,
    *,
    now: datetime | None = None,
) -> LoginStatus | None:
    """The console session state of `profile` (or of its source_profile chain's end); None
    when it uses none. Raises AwsswitchError on a source_profile loop (as `link`)."""
    target = link(profile, index, env)
    return None if target is None else status_of(target, now)


class LoginNeeded(hook.LoginNeeded):
    """The session needs `aws login`, which was not (or could not be) run (exit 1); its
    `target` is a LoginTarget."""


def ensure_fresh(
    profile: Profile,
    index: ProfileIndex,
    *,
    interactive: bool,
    env: Mapping[str, str],
    may_login: bool | None = None,
    remote: bool | None = None,
) -> str | None:
    """Return once `profile`'s console session (if any) has credentials an SDK can use.

    None for a profile without one; KEPT when fresh or refreshable (the SDK refreshes it on
    use) or, off a terminal, expiring but still valid (with a warning); LOGGED_IN after a
    successful `aws login --profile P` (on a terminal, `may_login`, default `interactive`).
    Raises LoginNeeded (exit 1) when a login is needed and cannot run here, AwsswitchError
    when it fails, KeyboardInterrupt on Ctrl-C. `remote`: no browser on this machine
    (`aws login --remote`: the person pastes the code the browser shows); by default, an SSH
    session without a forwarded display (sso.browser.remote_without_display).
    """
    target = link(profile, index, env)
    if target is None:
        return None
    found = status_of(target)
    if found.state != LOGIN_NEEDED:
        return KEPT
    may_login = interactive if may_login is None else may_login
    left = found.seconds_left()
    if not may_login:
        if left is not None and left > 0:
            hook.say(
                f"{target.label} needs a new sign-in ({found.reason}); its credentials have "
                f"{describe_left(left)}: using them. Run `{target.login_hint}` for new ones."
            )
            return KEPT
        raise LoginNeeded(
            f"{target.label} needs a new sign-in ({found.reason}), but this is not a terminal, "
            f"so no login was attempted. Run `{target.login_hint}` first.",
            target,
            found.reason,
        )
    cli = find_cli(env)
    if isinstance(cli, str):
        raise LoginNeeded(
            f"{target.label} needs a new sign-in ({found.reason}); {cli}", target, found.reason
        )
    hook.say(f"{target.label} needs a new sign-in ({found.reason})")
    if remote is None:
        from awsswitch.sso.browser import remote_without_display

        remote = remote_without_display(env)
    login(cli, target, env, remote=remote)
    # `aws login` may have pointed the profile at a new session (it asks first): read again.
    from awsswitch.config.profiles import load_index

    fresh_index = load_index(env)
    now_profile = fresh_index.by_name.get(profile.name)
    after_target = link(now_profile, fresh_index, env) if now_profile is not None else None
    after = status_of(after_target) if after_target is not None else found
    if after.state == LOGIN_NEEDED:
        raise AwsswitchError(
            f"`aws login` finished, but {target.label} still has no usable credentials "
            f"({after.reason}) in {after.cache_file}"
        )
    return LOGGED_IN


def find_cli(env: Mapping[str, str]) -> Cli | str:
    """The AWS CLI that can run `aws login` (`$AWSSWITCH_AWS_CLI`, else `aws` on PATH), or
    a sentence saying why there is none and what to do."""
    from awsswitch.context import display, which
    from awsswitch.sso import cli_login

    install = "install AWS CLI v2 2.32.0 or newer"
    configured = env.get(cli_login.ENV_VAR, "")
    if configured.strip().lower() in cli_login._NATIVE_VALUES:
        return (
            f"{cli_login.ENV_VAR}={display(configured)} rules out the AWS CLI, and only the AWS "
            f"CLI can sign in a console session: unset it or {install}, then run `aws login`"
        )
    path = which(configured or "aws", env)
    if path is None:
        what = f"{cli_login.ENV_VAR}={display(configured)}" if configured else "`aws`"
        return f"{what} was not found; {install} and run `aws login --profile PROFILE`"
    version = cli_login.version_of(path, env)
    if version is None or version < MIN_CLI:
        what = (
            "not an AWS CLI"
            if version is None
            else f"AWS CLI {'.'.join(map(str, version))}, which has no `aws login`"
        )
        return (
            f"{display(path)} is {what}; {install} (or point {cli_login.ENV_VAR} at one) "
            "and run `aws login --profile PROFILE`"
        )
    return cli_login.Cli(path, version)


def command(cli: Cli, target: LoginTarget, *, remote: bool = False) -> list[str]:
    return [cli.path, "login", "--profile", target.profile, *(["--remote"] if remote else [])]


def login(cli: Cli, target: LoginTarget, env: Mapping[str, str], *, remote: bool = False) -> None:
    """Run `aws login --profile P`: stdin stays on the terminal (it may ask for a region, or
    whether to replace the profile's session), its stdout and stderr go to our stderr (never
    stdout, which the shell evals). The child gets `env` (so AWS_LOGIN_CACHE_DIRECTORY and
    AWS_CONFIG_FILE agree with ours) without AWS_PROFILE/AWS_DEFAULT_PROFILE."""
    from awsswitch.sso import cli_login

    args = command(cli, target, remote=remote)
    shown = target.login_hint + (" --remote" if remote else "")
    hook.say(f"running `{shown}`")
    cli_login.run(args, env, shown, target.label)

"""Console sign-in: temporary credentials -> the federation endpoint's sign-in token -> a
login URL for the console (stdlib, and botocore only for GetFederationToken).

The steps are AWS's "custom identity broker" ones (IAM user guide, "Enable custom identity
broker access to the AWS console"):
1. `GET https://SIGNIN/federation?Action=getSigninToken&SessionDuration=S&Session=<JSON
   {"sessionId", "sessionKey", "sessionToken"}>` -> `{"SigninToken": ...}`;
2. `https://SIGNIN/federation?Action=login&Issuer=...&Destination=<console URL>&SigninToken=...`,
   valid 15 minutes.
SIGNIN and the console's host depend on the partition: `signin.aws.amazon.com` /
`console.aws.amazon.com`, `signin.amazonaws-us-gov.com` / `console.amazonaws-us-gov.com`,
`signin.amazonaws.cn` / `console.amazonaws.cn`. `AWSSWITCH_FEDERATION_ENDPOINT` replaces the
endpoint URL (the stand-in and tests).

Long-term IAM user keys cannot be exchanged directly: STS GetFederationToken turns them into a
federated session first (with a policy that allows what the user may do; the session gets the
intersection), and SessionDuration must then be left out (DurationSeconds sets the length).

The sign-in token and the URL are secrets: they go to stdout or a browser's arguments only;
messages name the endpoint's host and the HTTP status, never the request.
"""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode, urlsplit

from awsswitch.context import display
from awsswitch.credentials import Credentials
from awsswitch.errors import AwsswitchError, UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

ENDPOINT_VARIABLE = "AWSSWITCH_FEDERATION_ENDPOINT"
# partition -> (sign-in host, console host)
HOSTS = {
    "aws": ("signin.aws.amazon.com", "console.aws.amazon.com"),
    "aws-us-gov": ("signin.amazonaws-us-gov.com", "console.amazonaws-us-gov.com"),
    "aws-cn": ("signin.amazonaws.cn", "console.amazonaws.cn"),
}
# The region STS is called in when the profile names none (GetFederationToken is partition-wide).
HOME_REGIONS = {"aws": "us-east-1", "aws-us-gov": "us-gov-west-1", "aws-cn": "cn-north-1"}
ISSUER = "awsswitch"
DEFAULT_DURATION = 3600  # seconds of console session (what the federation endpoint defaults to)
MIN_DURATION, MAX_DURATION = 900, 43200  # SessionDuration's range
TIMEOUT = 15.0  # seconds for the federation endpoint
_REPLY_LIMIT = 64 * 1024
_SERVICE_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_")
# What GetFederationToken's policy allows: everything the IAM user itself may do (the session's
# permissions are the intersection of this and the user's policies).
_ALLOW_ALL = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'


def hosts(partition: str) -> tuple[str, str]:
    found = HOSTS.get(partition)
    if found is None:
        raise AwsswitchError(
            f"console sign-in through the federation endpoint is not available in the "
            f"{display(partition)} partition"
        )
    return found


def endpoint(partition: str, env: Mapping[str, str]) -> str:
    """The federation endpoint URL for `partition` (or `AWSSWITCH_FEDERATION_ENDPOINT`)."""
    override = env.get(ENDPOINT_VARIABLE)
    if override:
        parts = urlsplit(override)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UsageError(f"{ENDPOINT_VARIABLE} is not an http(s) URL: {display(override)!r}")
        return override
    return f"https://{hosts(partition)[0]}/federation"


def destination(
    partition: str,
    region: str | None,
    *,
    service: str | None = None,
    url: str | None = None,
) -> str:
    """The console page to land on: `url` as given (https, or a path on the partition's
    console), else SERVICE's home (default: the console home) in `region`."""
    console = hosts(partition)[1]
    if url is not None:
        if url.startswith("/"):
            return f"https://{console}{url}"
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.hostname:
            raise UsageError(
                f"--destination must be an https URL or a path on the console, not {display(url)!r}"
            )
        return url
    name = service or "console"
    if not set(name) <= _SERVICE_CHARS:
        raise UsageError(f"not a console service name: {display(name)!r} (e.g. ec2, s3, iam)")
    page = f"https://{console}/{name}/home"
    return f"{page}?region={quote(region, safe='')}" if region else page


def federated(
    creds: Credentials, *, region: str, duration: int, env: Mapping[str, str]
) -> Credentials:
    """STS GetFederationToken with long-term keys: temporary credentials the federation
    endpoint accepts."""
    from botocore.exceptions import BotoCoreError, ClientError

    from awsswitch.credentials.fetch import _why
    from awsswitch.sso import clients

    secrets = (creds.secret_key,)
    try:
        sts = clients.client("sts", region, env, keys=(creds.access_key, creds.secret_key, None))
        reply = sts.get_federation_token(Name=ISSUER, Policy=_ALLOW_ALL, DurationSeconds=duration)[
            "Credentials"
        ]
        return Credentials(
            reply["AccessKeyId"],
            reply["SecretAccessKey"],
            reply["SessionToken"],
            reply.get("Expiration"),
            "federation-token",
        )
    except (ClientError, BotoCoreError, KeyError, TypeError, ValueError) as exc:
        raise AwsswitchError(
            "the profile has long-term keys, which the console needs turned into a federated "
            f"session, and STS GetFederationToken failed: {_why(exc, secrets)}"
        ) from None


def signin_token(creds: Credentials, url: str, *, duration: int | None) -> str:
    """The federation endpoint's sign-in token for `creds` (temporary credentials)."""
    import urllib.error
    import urllib.request

    session = json.dumps(
        {
            "sessionId": creds.access_key,
            "sessionKey": creds.secret_key,
            "sessionToken": creds.token or "",
        }
    )
    params = {"Action": "getSigninToken"}
    if duration is not None:
        params["SessionDuration"] = str(duration)
    params["Session"] = session
    host = display(urlsplit(url).netloc)
    request = urllib.request.Request(
        f"{url}?{urlencode(params)}", headers={"Accept": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as reply:
            body = reply.read(_REPLY_LIMIT + 1)
    except urllib.error.HTTPError as exc:
        hint = ""
        if exc.code in (400, 401, 403) and duration is not None and duration > DEFAULT_DURATION:
            hint = " (a role assumed from another role allows --duration 3600 at most)"
        raise AwsswitchError(
            f"the federation endpoint {host} refused the credentials (HTTP {exc.code}){hint}"
        ) from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise AwsswitchError(
            f"cannot reach the federation endpoint {host}: {display(str(reason))[:200]}"
        ) from None
    try:
        if len(body) > _REPLY_LIMIT:
            raise ValueError("too long")
        token = json.loads(body.decode("utf-8"))["SigninToken"]
        if not isinstance(token, str) or not token:
            raise ValueError("no token")
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise AwsswitchError(
            f"the federation endpoint {host} sent a reply without a sign-in token"
        ) from None
    return token


def login_url(url: str, token: str, page: str) -> str:
    query = urlencode(
        {"Action": "login", "Issuer": ISSUER, "Destination": page, "SigninToken": token}
    )
    return f"{url}?{query}"


def sign_in(
    creds: Credentials,
    *,
    partition: str,
    region: str | None,
    page: str,
    duration: int | None,
    env: Mapping[str, str],
) -> str:
    """The console login URL for `creds` (long-term keys go through GetFederationToken)."""
    url = endpoint(partition, env)
    if creds.token is None:
        creds = federated(
            creds,
            region=region or HOME_REGIONS[partition],
            duration=duration or DEFAULT_DURATION,
            env=env,
        )
        session_duration = None  # SessionDuration fails with GetFederationToken credentials
    else:
        session_duration = duration or DEFAULT_DURATION
    return login_url(url, signin_token(creds, url, duration=session_duration), page)


# -- browsers ------------------------------------------------------------------------------


def browser_command(
    explicit: str | None, configured: str | None, env: Mapping[str, str], platform: str
) -> tuple[list[str], str]:
    """The command that opens a URL, and where it came from: `--browser`, the config's
    `awsswitch_browser`, `$BROWSER` (its first command that exists; `%s` marks the URL), or
    the system opener. Split like a shell splits words (shlex), never run by a shell."""
    import shlex

    from awsswitch.context import which
    from awsswitch.sso import browser

    for value, origin in ((explicit, "--browser"), (configured, "awsswitch_browser")):
        if value is not None:
            try:
                argv = shlex.split(value)
            except ValueError as exc:
                raise UsageError(f"{origin}: cannot split {display(value)!r}: {exc}") from None
            if not argv:
                raise UsageError(f"{origin} is empty")
            return argv, origin
    from_env = browser.from_browser_variable(env)
    if from_env is not None:
        return from_env, "$BROWSER"
    opener = "open" if platform == "darwin" else "xdg-open"
    if which(opener, env):
        return [opener], "the system"
    raise AwsswitchError(
        "no browser to open the console with: pass --browser CMD, set awsswitch_browser in "
        "the profile or its sso-session, set $BROWSER, or use --url to print the link"
    )


def open_url(command: Sequence[str], url: str, env: Mapping[str, str]) -> None:
    """Start the browser command as a login starts a browser (`awsswitch.sso.browser.start`:
    `%s` or last argument, its own session, output discarded, never through a shell); a
    failure to start, or an exit status other than 0 within a few seconds, is an error."""
    import subprocess

    from awsswitch.sso import browser

    try:
        proc = browser.start(command, url, env)
    except browser.BrowserFailed as exc:
        raise AwsswitchError(str(exc)) from None
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        return  # still running: a browser in the foreground of its own
    why = browser.failed(proc, command)
    if why:
        raise AwsswitchError(f"the browser command {why}")

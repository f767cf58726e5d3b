"""The `export` output formats (stdlib only).

Variables, in the AWS CLI's order: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN
(when there is one), AWS_CREDENTIAL_EXPIRATION (ISO 8601, as the CLI prints botocore's
expiry: `datetime.isoformat()`), then AWS_REGION and AWS_DEFAULT_REGION when the profile has a
region (the CLI prints no region).

Byte-for-byte with `aws configure export-credentials --format F` for every value AWS issues:
the CLI writes values bare (`export K=V`, `K=V`, `set -gx K "V"`, `$Env:K="V"`), which is safe
only for plain characters. A value made of `SAFE` characters (and not starting with `=`, which
zsh expands to a command's path) is written exactly so; any other value is quoted so that no
value can inject code: POSIX single quotes (`'` as `'\\''`), fish single quotes (`\\\\` and
`\\'`), PowerShell single quotes (every single-quote character doubled, including the
typographic ones PowerShell also accepts). `process` is the CLI's JSON (indent 2) and never
needs quoting. `dotenv` is `K=V` for `docker run --env-file`, which takes the rest of the line
literally: a value with a line break cannot be written and is refused. NUL, which no shell
variable can hold, is refused in every shell format, as is text that is not valid Unicode.
Nothing is written unless every value can be.
"""

from __future__ import annotations

import json

from awsswitch.awsenv import REGION_VARIABLES
from awsswitch.errors import AwsswitchError

# Annotation-only imports: typing costs milliseconds on a warm export.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from awsswitch.credentials import Credentials

FORMATS = ("env", "env-no-export", "fish", "powershell", "process", "dotenv")
DEFAULT = "env"

# Characters no shell (POSIX, zsh, fish, PowerShell inside "") treats specially.
SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789@%+=:,./-_")
_PS_QUOTES = "'\u2018\u2019\u201a\u201b"  # PowerShell's single-quote characters


def variables(creds: Credentials, region: str | None = None) -> list[tuple[str, str]]:
    """(NAME, value) in output order."""
    out = [("AWS_ACCESS_KEY_ID", creds.access_key), ("AWS_SECRET_ACCESS_KEY", creds.secret_key)]
    if creds.token is not None:
        out.append(("AWS_SESSION_TOKEN", creds.token))
    if creds.expiration is not None:
        out.append(("AWS_CREDENTIAL_EXPIRATION", creds.expiration.isoformat()))
    if region:
        out += [(name, region) for name in REGION_VARIABLES]
    return out


def is_plain(value: str) -> bool:
    """Written bare (as the CLI writes it) without any shell reading it differently."""
    return not value.startswith("=") and SAFE.issuperset(value)


def posix_quote(value: str) -> str:
    return value if is_plain(value) else "'" + value.replace("'", "'\\''") + "'"


def fish_quote(value: str) -> str:
    if is_plain(value):
        return f'"{value}"'
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def powershell_quote(value: str) -> str:
    if is_plain(value):
        return f'"{value}"'
    return "'" + "".join(c + c if c in _PS_QUOTES else c for c in value) + "'"


_LINE = {
    "env": lambda k, v: f"export {k}={posix_quote(v)}\n",
    "env-no-export": lambda k, v: f"{k}={posix_quote(v)}\n",
    "fish": lambda k, v: f"set -gx {k} {fish_quote(v)}\n",
    "powershell": lambda k, v: f"$Env:{k}={powershell_quote(v)}\n",
    "dotenv": lambda k, v: f"{k}={v}\n",
}


def _check(fmt: str, name: str, value: str) -> None:
    """Refuse what `fmt` cannot represent; the message names the variable, never the value."""
    problem = None
    if "\0" in value:
        problem = "a NUL character"
    elif fmt == "dotenv" and ("\n" in value or "\r" in value):
        problem = "a line break"
    else:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            problem = "text that is not valid Unicode"
    if problem is not None:
        raise AwsswitchError(
            f"{name} contains {problem}, which the {fmt} format cannot represent; "
            "nothing was written"
        )


def render(fmt: str, creds: Credentials, region: str | None = None) -> str:
    """The whole output of `export --format fmt`; AwsswitchError (and nothing) when a value
    cannot be written in that format."""
    if fmt == "process":
        return process_json(creds)
    return lines(fmt, variables(creds, region))


def lines(fmt: str, pairs: Sequence[tuple[str, str]]) -> str:
    """(NAME, value) pairs as statements in line format `fmt` (every format but `process`),
    quoted as `render` quotes them; AwsswitchError (and nothing) when a value cannot be
    written in that format."""
    line = _LINE.get(fmt)
    if line is None:
        raise AwsswitchError(f"unknown format {fmt!r}: choose from {', '.join(FORMATS)}")
    for name, value in pairs:
        _check(fmt, name, value)
    return "".join(line(name, value) for name, value in pairs)


def process_json(creds: Credentials) -> str:
    """The CLI's CredentialProcessFormatter: a credential_process Version 1 document."""
    output: dict[str, object] = {
        "Version": 1,
        "AccessKeyId": creds.access_key,
        "SecretAccessKey": creds.secret_key,
    }
    if creds.token is not None:
        output["SessionToken"] = creds.token
    if creds.expiration is not None:
        output["Expiration"] = creds.expiration.isoformat()
    return json.dumps(output, indent=2, separators=(",", ": ")) + "\n"

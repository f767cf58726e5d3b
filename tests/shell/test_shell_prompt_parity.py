"""The prompt's token state (shell code, no process) agrees with awsswitch.sso.state.

One table of token files goes through the Python classifier (load_token + classify) and
through the prompt segment of real bash, zsh and fish, one shell process per shell for the
whole table. A second table holds the files where the shells knowingly answer
"login-needed" although Python reads them (documented in shell/fragments/token.sh and
shell/asw.fish): never the other way round. The
dates the shells read are checked against state.parse_time the same way.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from support.shells import HOSTILE_SETTINGS, SHELLS, init_code, run_shell, source_line, write_rows

from awsswitch.shells import get_shell
from awsswitch.sso import state

MARK_STATE = {"": state.FRESH, "~": state.REFRESHABLE, "!": state.LOGIN_NEEDED}
SEGMENT = "aws:p"  # AWS_PROFILE=p, switched by awsswitch (AWSSWITCH_PROFILE=p)

NOW = datetime.now(timezone.utc)
HOUR = 3600


def _z(seconds: float, fmt: str = "%Y-%m-%dT%H:%M:%SZ", *, offset: int = 0) -> str:
    """NOW + seconds as text, as a clock `offset` minutes ahead of UTC shows it (the zone
    written by fmt must say the same)."""
    return (NOW + timedelta(seconds=seconds, minutes=offset)).strftime(fmt)


def _token(expires_in: float = 8 * HOUR, *, refreshable: bool = True, **fields) -> dict:
    """A token as the AWS CLI v2 writes it; `fields` replace or add (None removes)."""
    token: dict = {
        "startUrl": "https://d-123.awsapps.com/start",
        "region": "eu-west-1",
        "accessToken": "aoaAAAAAGexample/access+token==",
        "expiresAt": _z(expires_in),
    }
    if refreshable:
        token.update(
            clientId="client-id",
            clientSecret="client-secret",
            registrationExpiresAt=_z(80 * 86400),
            refreshToken="aorAAAAAGexample/refresh",
        )
    token.update(fields)
    return {k: v for k, v in token.items() if v is not None}


def _dump(token: dict, **kwargs) -> bytes:
    return json.dumps(token, **kwargs).encode("utf-8")


def _pairs(*pairs: tuple[str, str]) -> bytes:
    """An object written by hand: each pair is (key, value as JSON text); keys may repeat."""
    return ("{" + ", ".join(f'"{k}": {v}' for k, v in pairs) + "}").encode("utf-8")


FRESH_AT = json.dumps(_z(8 * HOUR))
EXPIRED_AT = json.dumps(_z(-HOUR))
TOKEN = _dump(_token())

# (case, what state.py says, file content; None: no file)
TABLE: list[tuple[str, str, bytes | None]] = [
    # What the AWS CLI and botocore write.
    ("valid fresh", "fresh", TOKEN),
    ("pretty-printed over many lines", "fresh", _dump(_token(), indent=2)),
    ("near expiry, refreshable", "refreshable", _dump(_token(600))),
    ("expired, refreshable", "refreshable", _dump(_token(-HOUR))),
    ("near expiry, no refresh token", "login-needed", _dump(_token(600, refreshToken=None))),
    ("expired without refresh token", "login-needed", _dump(_token(-HOUR, refreshable=False))),
    (
        "registration expired",
        "login-needed",
        _dump(_token(-HOUR, registrationExpiresAt=_z(-60))),
    ),
    (
        "registration date not a date",
        "login-needed",
        _dump(_token(-HOUR, registrationExpiresAt="x")),
    ),
    ("clientSecret empty, expired", "login-needed", _dump(_token(-HOUR, clientSecret=""))),
    ("pre-2.7.32 token (no client fields)", "fresh", _dump(_token(refreshable=False))),
    # Not a token file.
    ("missing file", "login-needed", None),
    ("empty file", "login-needed", b""),
    ("{not json", "login-needed", b"{not json"),
    ("a JSON array", "login-needed", b"[]"),
    ("an empty object", "login-needed", b"{}"),
    # Corrupt JSON that still holds the fields.
    ("truncated JSON, fields intact", "login-needed", TOKEN[:-1]),
    ("truncated in a later value", "login-needed", TOKEN[: TOKEN.index(b"aorAAAA") + 4]),
    ("leading UTF-8 BOM", "login-needed", b"\xef\xbb\xbf" + TOKEN),
    ("NUL byte after the object", "login-needed", TOKEN + b"\0"),
    ("NUL byte inside", "login-needed", TOKEN.replace(b'"region"', b'"reg\0ion"')),
    ("a second object after it", "login-needed", TOKEN + b"{}"),
    ("trailing comma", "login-needed", TOKEN[:-1] + b",}"),
    ("raw tab inside a string", "login-needed", TOKEN.replace(b"eu-west-1", b"eu\twest-1")),
    ("unknown escape in a string", "login-needed", TOKEN.replace(b"eu-west-1", b"eu\\xwest-1")),
    ("number with a leading zero", "login-needed", TOKEN[:-1] + b', "n": 01}'),
    ("whole number of 4,301 digits", "login-needed", TOKEN[:-1] + b', "n": 1' + b"0" * 4300 + b"}"),
    (
        "number of 4,301 digits and a fraction",
        "fresh",
        TOKEN[:-1] + b', "n": 1' + b"0" * 4300 + b".5}",
    ),
    # Keys given twice: json.loads keeps the last.
    (
        "duplicate expiresAt, the last expired",
        "login-needed",
        _pairs(("accessToken", '"a"'), ("expiresAt", FRESH_AT), ("expiresAt", EXPIRED_AT)),
    ),
    (
        "duplicate expiresAt, the last fresh",
        "fresh",
        _pairs(("accessToken", '"a"'), ("expiresAt", EXPIRED_AT), ("expiresAt", FRESH_AT)),
    ),
    (
        "duplicate accessToken, the last null",
        "login-needed",
        _pairs(("accessToken", '"a"'), ("expiresAt", FRESH_AT), ("accessToken", "null")),
    ),
    (
        "accessToken null plus a nested accessToken",
        "login-needed",
        _pairs(("accessToken", "null"), ("x", '{"accessToken": "a"}'), ("expiresAt", FRESH_AT)),
    ),
    (
        "accessToken only inside an array",
        "login-needed",
        _pairs(("x", '["accessToken", "a"]'), ("expiresAt", FRESH_AT)),
    ),
    # The fields' values.
    ("missing accessToken", "login-needed", _dump(_token(accessToken=None))),
    ("accessToken empty string", "login-needed", _dump(_token(accessToken=""))),
    ("accessToken with escapes", "fresh", _dump(_token(accessToken='a"b\\c/\u00e9'))),
    (
        "numbers instead of strings",
        "login-needed",
        _dump(_token(accessToken=12, expiresAt=4102444800)),
    ),
    ("expiresAt null", "login-needed", _dump({**_token(), "expiresAt": None})),
    ("missing expiresAt", "login-needed", _dump(_token(expiresAt=None))),
    (
        "values of every JSON kind besides",
        "fresh",
        TOKEN[:-1]
        + b', "n": -1.5e3, "t": true, "f": false, "z": null, "nan": NaN, "inf": -Infinity,'
        b' "scopes": ["sso:account:access", 1] , "e": "", "w":"a\\/b\\u00e9\\n"}',
    ),
    (
        "keys that differ in case only",
        "fresh",
        _pairs(
            ("accessToken", '"a"'),
            ("ACCESSTOKEN", "null"),
            ("expiresAt", FRESH_AT),
            ("ExpiresAt", EXPIRED_AT),
        ),
    ),
    ("a key with an escape (not one of ours)", "fresh", TOKEN[:-1] + b', "a\\"b\\/c": 1}'),
    # Dates: what parse_time reads, and what it does not.
    ("expiresAt without seconds", "fresh", _dump(_token(expiresAt="2099-01-01T00:00Z"))),
    (
        "expiresAt with a fraction",
        "fresh",
        _dump(_token(expiresAt=_z(8 * HOUR, "%Y-%m-%dT%H:%M:%S.%fZ"))),
    ),
    ("expiresAt +00:00", "fresh", _dump(_token(expiresAt=_z(8 * HOUR, "%Y-%m-%dT%H:%M:%S+00:00")))),
    (
        "expiresAt +02:00, 8 hours left",
        "fresh",
        _dump(_token(expiresAt=_z(8 * HOUR, "%Y-%m-%dT%H:%M:%S+02:00", offset=120))),
    ),
    (
        "expiresAt +02:00, 10 minutes left",
        "refreshable",
        _dump(_token(expiresAt=_z(600, "%Y-%m-%dT%H:%M:%S+02:00", offset=120))),
    ),
    (
        "expiresAt -0530, 10 minutes left",
        "refreshable",
        _dump(_token(expiresAt=_z(600, "%Y-%m-%dT%H:%M:%S-0530", offset=-330))),
    ),
    (
        "expiresAt with the old UTC suffix",
        "fresh",
        _dump(_token(expiresAt="2099-01-01T00:00:00UTC")),
    ),
    (
        "expiresAt without a zone, 10 minutes left",
        "refreshable",
        _dump(_token(expiresAt=_z(600, "%Y-%m-%d %H:%M:%S"))),
    ),
    ("expiresAt a date only", "fresh", _dump(_token(expiresAt="2099-01-01"))),
    (
        "expiresAt 29 February of a common year",
        "login-needed",
        _dump(_token(expiresAt="2099-02-29T00:00:00Z")),
    ),
    ("expiresAt 24:00", "login-needed", _dump(_token(expiresAt="2099-01-01T24:00:00Z"))),
    ("expiresAt year 0", "login-needed", _dump(_token(expiresAt="0000-01-01T00:00:00Z"))),
    (
        "expiresAt offset of 24 hours",
        "login-needed",
        _dump(_token(expiresAt="2099-01-01T00:00:00+24:00")),
    ),
    (
        "expiresAt fraction without digits",
        "login-needed",
        _dump(_token(expiresAt="2099-01-01T00:00:00.Z")),
    ),
]
# Files Python reads but the shells answer "login-needed" for (the templates say why): never fresh
# or refresh where Python says login, so a wrong "!" at worst.
CONSERVATIVE: list[tuple[str, str, bytes]] = [
    (
        "non-ASCII text (json.dumps never writes it)",
        "fresh",
        _dump(_token(region="é"), ensure_ascii=False),
    ),
    ("a nested object in another field", "fresh", TOKEN[:-1] + b', "x": {"a": 1}}'),
    ("an array in an array", "fresh", TOKEN[:-1] + b', "x": [[]]}'),
    (
        "accessToken spelled with a \\u escape",
        "fresh",
        TOKEN.replace(b'"accessToken"', b'"access\\u0054oken"'),
    ),
    (
        "expiresAt holding a \\u escape",
        "fresh",
        _pairs(("accessToken", '"a"'), ("expiresAt", '"2099-01-01T00:00:00\\u005a"')),
    ),
    ("expiresAt with a comma fraction", "fresh", _dump(_token(expiresAt="2099-01-01T00:00:00,5Z"))),
]


def _python_state(path: Path) -> str:
    token, missing = state.load_token(str(path))
    return state.classify(token, missing=missing)[0]


# Point the prompt at one token file and print the segment, as each shell draws it.
RENDER = {
    "bash": 'AWSSWITCH_TOKEN_FILE={}; __awsswitch_prompt_hook; echo "$AWSSWITCH_PROMPT"',
    "zsh": 'AWSSWITCH_TOKEN_FILE={}; __awsswitch_precmd; echo "$AWSSWITCH_PROMPT"',
    "fish": "set -g AWSSWITCH_TOKEN_FILE {}; awsswitch_prompt; echo",
}


def _shell_states(sandbox, shell: str, paths: list[Path], preamble: str = "") -> list[str]:
    """The token state each file gives in the prompt segment of one real `shell`."""
    init = sandbox.home / f"init.{shell}"
    init.write_text(init_code(shell), encoding="utf-8")
    quote = get_shell(shell).quote
    lines = [preamble, source_line(shell, init)]
    for path in paths:
        lines.append(RENDER[shell].format(quote(str(path))))
    env = {"AWS_PROFILE": "p", "AWSSWITCH_PROFILE": "p"}
    proc = run_shell(sandbox, shell, "\n".join(lines) + "\n", env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    out = proc.stdout.splitlines()
    assert len(out) == len(paths), proc.stdout
    assert all(line.startswith(SEGMENT) for line in out), out
    return [MARK_STATE[line[len(SEGMENT) :]] for line in out]


def _mismatches(rows, got: list[str], want: list[str]) -> list[str]:
    return [
        f"{case}: shell {g}, expected {w}"
        for (case, _, _), g, w in zip(rows, got, want, strict=True)
        if g != w
    ]


def test_table_is_what_state_py_says(sandbox):
    paths = write_rows(sandbox.home / "tokens", TABLE)
    got = [_python_state(p) for p in paths]
    wrong = [f"{case}: {g}" for (case, want, _), g in zip(TABLE, got, strict=True) if g != want]
    assert not wrong


@pytest.mark.parametrize("shell", SHELLS)
def test_shells_agree_with_state_py(sandbox, shell):
    paths = write_rows(sandbox.home / "tokens", TABLE)
    want = [_python_state(p) for p in paths]
    assert not _mismatches(TABLE, _shell_states(sandbox, shell, paths), want)


# The user's settings (support.shells.HOSTILE_SETTINGS) change no state.
@pytest.mark.parametrize("shell", sorted(HOSTILE_SETTINGS))
def test_user_settings_change_nothing(sandbox, shell):
    paths = write_rows(sandbox.home / "tokens", TABLE)
    want = [_python_state(p) for p in paths]
    got = _shell_states(sandbox, shell, paths, HOSTILE_SETTINGS[shell])
    assert not _mismatches(TABLE, got, want)


@pytest.mark.parametrize("shell", SHELLS)
def test_conservative_cases_say_login(sandbox, shell):
    paths = write_rows(sandbox.home / "tokens", CONSERVATIVE)
    # Python reads each of them (else the row would belong in TABLE)...
    assert [_python_state(p) for p in paths] == [want for _, want, _ in CONSERVATIVE]
    # ...and the shells say login: a "!" too many, never a missing one.
    got = _shell_states(sandbox, shell, paths)
    assert not _mismatches(CONSERVATIVE, got, ["login-needed"] * len(CONSERVATIVE))


# -- dates -------------------------------------------------------------------------------

# Read by the shells exactly as parse_time reads them.
DATES_READ = [
    "2026-11-27T11:23:23Z",
    "2026-11-27T11:23:23z",
    "2026-11-27t11:23:23Z",
    "2026-11-27 11:23:23",
    "2026-11-27T11:23:23.5Z",
    "2026-11-27T11:23:23.123456789Z",
    "2026-11-27T11:23:23+00:00",
    "2026-11-27T11:23:23-00:00",
    "2026-11-27T11:23:23+02:00",
    "2026-11-27T11:23:23-0530",
    "2026-11-27T11:23:23+23:59",
    "2026-11-27T11:23:23UTC",
    "2026-11-27T11:23Z",
    "2026-11-27T11Z",
    "2026-11-27T11:23.5+01:00",
    "2026-11-27",
    " 2026-11-27T11:23:23Z ",
    "2026-11-27X11:23:23Z",
    "2096-02-29T00:00:00Z",
    "2000-02-29T00:00:00Z",
    "1970-01-01T00:00:00Z",
    "1969-12-31T23:59:59.9Z",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
]
# Refused by the shells: parse_time refuses them too, or Python versions read them
# differently (+HH, +HH:MM:SS, basic and week formats: Python 3.11 only), or an offset
# minute above 59, or outside datetime's range once in UTC (Python raises).
DATES_REFUSED = [
    "",
    "x",
    "2026-11-27T",
    "2026-11-27T11:23:23.Z",
    "2026-11-27.11:23:23Z",
    "2026-11-27T11:23:23Zjunk",
    "2026-11-27T24:00:00Z",
    "2026-11-27T23:60:00Z",
    "2026-11-27T23:59:60Z",
    "2026-13-01T00:00:00Z",
    "2026-00-01T00:00:00Z",
    "2026-04-31T00:00:00Z",
    "2100-02-29T00:00:00Z",
    "0000-01-01T00:00:00Z",
    "2026-11-27T11:23:23+24:00",
    "2026-11-27T11:23:23+1:00",
    "2026-1-27T11:23:23Z",
    "2026-11-27T1:23:23Z",
    "+2026-11-27T11:23:23Z",
    "2026-11-27T11:23:23+02",
    "2026-11-27T11:23:23+02:00:00",
    "2026-11-27T11:23:23+01:60",
    "2026-11-27T11:23:23 +02:00",
    "2026-11-27T11:23:23,5Z",
    "20261127T112323Z",
    "2026-W48-5",
    "2026-11-27Z",
    "0001-01-01T00:00:00+00:01",
    "9999-12-31T23:59:59-00:01",
]


def _grid() -> list[str]:
    """Combinations around the accepted forms: the shells may refuse one Python reads, but
    never read one differently or read one Python refuses."""
    out = []
    for sep in ("T", " ", "_", "+", "."):
        for time in ("", "07", "07:08", "07:08:09", "23:59:59", "24:00", "07:60", "07:08:60"):
            for frac in ("", ".5", "."):
                for zone in ("", "Z", "UTC", "+05:30", "-0800", "+05", "+99:00", " Z"):
                    out.append("2026-03-04" + (sep + time if time else "") + frac + zone)
    return out


def _epochs(sandbox, shell: str, dates: list[str]) -> list[int | None]:
    init = sandbox.home / f"init.{shell}"
    init.write_text(init_code(shell), encoding="utf-8")
    listing = sandbox.home / "dates.txt"
    listing.write_text("".join(d + "\n" for d in dates), encoding="utf-8")
    q = get_shell(shell).quote(str(listing))
    loop = {
        "bash": 'while IFS= read -r d; do __awsswitch_epoch "$d"; echo "$__awsswitch_e"; done',
        "zsh": 'while IFS= read -r d; do __awsswitch_epoch "$d"; echo "$__awsswitch_e"; done',
        "fish": 'while read -l d; set -l e (__awsswitch_epoch "$d"); echo "$e"; end',
    }[shell]
    script = f"{source_line(shell, init)}\n{loop} < {q}\n"
    proc = run_shell(sandbox, shell, script)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.splitlines()
    assert len(out) == len(dates), proc.stdout
    return [int(e) if e else None for e in out]


def _py_epoch(text: str) -> int | None:
    try:
        parsed = state.parse_time(text)
    except OverflowError:  # out of datetime's range once in UTC
        return None
    return None if parsed is None else int(parsed.timestamp() // 1)


@pytest.mark.parametrize("shell", SHELLS)
def test_dates_read_as_parse_time_reads_them(sandbox, shell):
    grid = _grid()
    dates = DATES_READ + DATES_REFUSED + grid
    got = _epochs(sandbox, shell, dates)
    py = [_py_epoch(d) for d in dates]
    n_read, n_refused = len(DATES_READ), len(DATES_REFUSED)
    # The listed forms: read, and to the same second.
    assert None not in py[:n_read]
    assert got[:n_read] == py[:n_read]
    assert got[n_read : n_read + n_refused] == [None] * n_refused
    # The grid: the same second, or refused (login needed).
    wrong = [
        (d, g, p)
        for d, g, p in zip(grid, got[n_read + n_refused :], py[n_read + n_refused :], strict=True)
        if g is not None and g != p
    ]
    assert not wrong
    assert sum(g is not None for g in got[n_read + n_refused :]) > len(grid) // 8

"""Random bytes as SSO token files for the prompt of each shell and for Python's classifier,
and as config files for the completion's awk reader.

The prompt: no error output, no traceback, bounded time (the subprocess timeout), and a
shell says what awsswitch.sso.state says or login-needed (a "!" too many at worst): never
fresh, never refreshable where Python does not. Hypothesis makes the files (raw bytes, valid
tokens with a few bytes changed, token-shaped JSON with odd values and dates near the
15-minute line); they are written in one batch and each shell reads the whole batch in one
process, so hundreds of files cost a few seconds. A handcrafted set adds the nastiest cases.
"""

from __future__ import annotations

import json
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.login_files import Files, entry, id_token
from support.shells import SHELLS, SWITCHED, init_code, prompt_states, run_shell, source_line

from awsswitch import login_session
from awsswitch.shells import get_shell
from awsswitch.sso import state

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime.now(timezone.utc)
KEYS = ["accessToken", "expiresAt", "refreshToken", "clientId", "clientSecret",
        "registrationExpiresAt", "startUrl", "region"]  # fmt: skip
ORDER = {state.LOGIN_NEEDED: 0, state.REFRESHABLE: 1, state.FRESH: 2}


def _iso(dt: datetime, fmt: str = "%Y-%m-%dT%H:%M:%SZ") -> str:
    return dt.strftime(fmt)


def _token(expires_in: float = 8 * 3600, **fields) -> dict:
    token = {
        "startUrl": "https://d-123.awsapps.com/start",
        "region": "eu-west-1",
        "accessToken": "aoaAAAAAGexample",
        "expiresAt": _iso(NOW + timedelta(seconds=expires_in)),
        "clientId": "client-id",
        "clientSecret": "client-secret",
        "registrationExpiresAt": _iso(NOW + timedelta(days=80)),
        "refreshToken": "aorAAAAAGexample",
    }
    token.update(fields)
    return {k: v for k, v in token.items() if v is not None}


VALID = json.dumps(_token()).encode()
DUE = json.dumps(_token(600)).encode()


# -- the files ------------------------------------------------------------------------------

# A date: the forms parse_time reads, the ones it does not, and the odd in between; near now
# (either side of the 15-minute line) or anywhere in 0000-9999.
_ZONES = "Z z UTC +00:00 -00:00 +05:30 -0800 +23:59 -23:59 +24:00 +05 +01:60 +0000"
_OFFSETS = st.sampled_from([*_ZONES.split(), "", " Z"])


@st.composite
def _dates(draw) -> str:
    if draw(st.booleans()):
        # Around the 15-minute line, the expiry itself, or hours away.
        seconds = draw(st.sampled_from([900, 0, -900, 8 * 3600])) + draw(st.integers(-90, 90))
        offset = draw(st.integers(-23 * 60 - 59, 23 * 60 + 59))
        zone = timezone(timedelta(minutes=offset))
        moment = (NOW + timedelta(seconds=seconds)).astimezone(zone)
        text = moment.strftime("%Y-%m-%dT%H:%M:%S")
        text += draw(st.sampled_from(["", ".5", ".123456789", "."]))
        sign, minutes = ("+" if offset >= 0 else "-"), abs(offset)
        zone_text = f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
        if offset == 0:
            zone_text = draw(st.sampled_from(["Z", "+00:00", "UTC", ""]))
        return text + zone_text
    y = draw(st.integers(0, 9999))
    mo, d = draw(st.integers(0, 13)), draw(st.integers(0, 32))
    h, mi, s = draw(st.integers(0, 25)), draw(st.integers(0, 61)), draw(st.integers(0, 61))
    sep = draw(st.sampled_from(["T", " ", "t", "_", ".", ""]))
    return f"{y:04d}-{mo:02d}-{d:02d}{sep}{h:02d}:{mi:02d}:{s:02d}" + draw(_OFFSETS)


_SCALARS = st.one_of(
    st.text(max_size=12),
    _dates(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True),
    st.none(),
    st.booleans(),
    st.just(""),
)
_VALUES = st.one_of(
    _SCALARS,
    st.lists(_SCALARS, max_size=3),
    st.dictionaries(st.text(max_size=3), _SCALARS, max_size=2),
)


@st.composite
def _token_like(draw) -> bytes:
    """A token as JSON: our keys (some missing, some repeated) with odd values."""
    base = _token(draw(st.sampled_from([8 * 3600, 600, -3600])))
    pairs = [(k, v) for k, v in base.items() if draw(st.integers(0, 5))]
    for _ in range(draw(st.integers(0, 4))):
        key = draw(st.one_of(st.sampled_from(KEYS), st.text(max_size=6)))
        pairs.insert(draw(st.integers(0, len(pairs))), (key, draw(_VALUES)))
    ascii_only = draw(st.booleans())
    sep = draw(st.sampled_from([", ", ",", ",\n  ", " ,\t"]))
    body = sep.join(
        json.dumps(k, ensure_ascii=ascii_only) + ": " + json.dumps(v, ensure_ascii=ascii_only)
        for k, v in pairs
    )
    return ("{" + body + "}").encode("utf-8", "surrogatepass")


@st.composite
def _mutated(draw, valid: tuple[bytes, ...], alphabet: bytes) -> bytes:
    """One of the `valid` files with a few bytes inserted, removed or changed to bytes of
    `alphabet`."""
    data = bytearray(draw(st.sampled_from(valid)))
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(data) - 1))
        byte = draw(st.sampled_from(list(alphabet)))
        how = draw(st.sampled_from(["insert", "delete", "replace"]))
        if how == "insert":
            data.insert(at, byte)
        elif how == "delete":
            del data[at]
        else:
            data[at] = byte
    return bytes(data)


@st.composite
def _dated(draw) -> bytes:
    """A well-formed token whose dates are anything _dates makes."""
    fields = {"expiresAt": draw(_dates()), "registrationExpiresAt": draw(_dates())}
    if draw(st.booleans()):
        fields.update(refreshToken=None, clientSecret=draw(st.sampled_from([None, ""])))
    return json.dumps(_token(**fields)).encode()


FILES = st.one_of(
    st.binary(max_size=300),
    _mutated((VALID, DUE), b'{}[]",:\\ \t\n0aeu\x00\x7f\xff\xc3'),
    _token_like(),
    _dated(),
)

HANDCRAFTED: list[bytes] = [
    b"",
    b"\x00",
    VALID + b"\x00",
    VALID[:20] + b"\x00" + VALID[20:],
    b"\xef\xbb\xbf" + VALID,
    VALID.replace(b"eu-west-1", b"\xff\xfe"),
    VALID + b"\n" * 10,
    b"\r\n".join(VALID.split(b", ")),
    VALID.replace(b", ", b",\f"),  # a form feed is no JSON space
    b'{"a":' * 20000 + b"1" + b"}" * 20000,  # deep nesting
    b"[" * 100000,
    VALID[:-1] + b', "x": ' + b"[" * 5000 + b"]" * 5000 + b"}",
    VALID[:-1] + b', "pad": "' + b"x" * 200_000 + b'"}',  # over the prompt's 64 KiB cap
    json.dumps(_token(expiresAt="9999-12-31T23:59:59-01:00")).encode(),
    json.dumps(_token(expiresAt="0001-01-01T00:00:00+01:00")).encode(),
    json.dumps(_token(-60, registrationExpiresAt="9999-12-31T23:59:59-01:00")).encode(),
    json.dumps(_token(expiresAt="2024-02-29T23:59:60Z")).encode(),
    json.dumps(_token(expiresAt="2099-01-01T00:00:00.Z")).encode(),
    json.dumps(_token(expiresAt=" 2099-01-01 ")).encode(),
    json.dumps(_token(accessToken="\ud800"), ensure_ascii=True).encode(),
    VALID[:-1] + b', "n": 1e999, "m": -1e999, "o": NaN}',
    VALID[:-1] + b', "n": 1' + b"0" * 5000 + b"}",
    VALID.replace(b'"accessToken"', b'"access\\u0054oken"'),
    VALID.replace(b'"expiresAt"', b'"expiresAt" '),
    b'{"accessToken": "a", "expiresAt": "2099-01-01T00:00:00Z", "expiresAt": null}',
    b'{"accessToken": "a", "accessToken": "", "expiresAt": "2099-01-01T00:00:00Z"}',
    b'{"accessToken": ["a"], "expiresAt": "2099-01-01T00:00:00Z"}',
    b'{"x": "\\", \\"accessToken\\": \\"a\\", \\"expiresAt\\": \\"2099-01-01\\"", "y": 1}',
    b'{"accessToken": "a\\"", "expiresAt": "2099-01-01T00:00:00Z"}',
]


# -- the prompt of each shell against awsswitch.sso.state -------------------------------------


def _python(path: Path, now: datetime) -> str:
    token, missing = state.load_token(str(path))
    return state.classify(token, now, missing=missing)[0]


def _check(sandbox, contents: list[bytes]) -> dict[str, list[str]]:
    """Each shell's state for each file, after checking it against Python's."""
    folder = sandbox.home / "tokens"
    folder.mkdir(exist_ok=True)
    paths = []
    for n, content in enumerate(contents):
        path = folder / f"{n}.json"
        path.write_bytes(content)
        paths.append(path)
    before = [_python(p, datetime.now(timezone.utc)) for p in paths]
    got = {}
    for shell in SHELLS:
        proc = prompt_states(sandbox, shell, paths, timeout=120)
        assert (proc.returncode, proc.stderr) == (0, ""), (shell, proc.stderr[-2000:])
        got[shell] = proc.stdout.split("\n")[: len(paths)]
        assert len(got[shell]) == len(paths), shell
    after = [_python(p, datetime.now(timezone.utc)) for p in paths]
    wrong = []
    for n, content in enumerate(contents):
        # The clock moved while the shells ran: either of Python's answers will do.
        for shell in SHELLS:
            said = got[shell][n]
            # login-needed is always allowed; anything else must be one of Python's answers.
            if said != state.LOGIN_NEEDED and said not in (before[n], after[n]):
                wrong.append((shell, said, before[n], content[:300]))
    assert not wrong
    return got


def test_handcrafted_token_files(sandbox):
    # Plain valid and refresh-due tokens go last as controls: login-needed is always allowed
    # above, so they show each shell's prompt is still reading the files, not giving up.
    got = _check(sandbox, [*HANDCRAFTED, VALID, DUE])
    for shell in SHELLS:
        assert got[shell][-2:] == [state.FRESH, state.REFRESHABLE], shell


def test_generated_token_files(sandbox):
    batch: list[bytes] = []

    @settings(
        max_examples=400,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(FILES)
    def collect(content: bytes) -> None:
        # Python's classifier never raises, whatever the bytes.
        path = sandbox.home / "probe.json"
        path.write_bytes(content)
        assert _python(path, NOW) in ORDER
        batch.append(content)

    collect()
    assert len(batch) >= 200
    _check(sandbox, batch)


# -- `aws login` console-session files against awsswitch.login_session ----------------------

LOGIN_KEYS = ["accessToken", "refreshToken", "clientId", "dpopKey", "idToken", "tokenType"]
CREDENTIAL_KEYS = ["accessKeyId", "secretAccessKey", "sessionToken", "accountId", "expiresAt"]
LOGIN_PROBE = {
    "bash": "AWSSWITCH_LOGIN_FILE={}; __awsswitch_prompt_hook; "
    'printf "%s\\n" "$AWSSWITCH_TOKEN_STATE"',
    "zsh": 'AWSSWITCH_LOGIN_FILE={}; __awsswitch_precmd; print -r -- "$AWSSWITCH_TOKEN_STATE"',
    "fish": "set -g AWSSWITCH_LOGIN_FILE {}; awsswitch_prompt >/dev/null; "
    'printf "%s\\n" "$AWSSWITCH_TOKEN_STATE"',
}


JWTS = Files(int(NOW.timestamp()))  # idTokens signed at NOW


def _login(expires_in: float = 600, *, signed_ago: float = 3600, **fields) -> dict:
    """A console-session cache file as the AWS CLI writes it (docs/login-sessions.md); a field
    given as None is left out."""
    found = entry(expires_in=expires_in, signed_in_ago=signed_ago, now=NOW, **fields)
    return {k: v for k, v in found.items() if v is not None}


LOGIN_FRESH = json.dumps(_login()).encode()
LOGIN_DUE = json.dumps(_login(60)).encode()
# Around the 12-hour line of the sign-in (43,200 s), and well inside or outside it.
_SIGNED_AGO = st.sampled_from([3600, 13 * 3600, 43_200, 43_199, 43_198, 43_201, -60])


@st.composite
def _claims(draw) -> object:
    """The idToken's claims: an iat of any JSON type or form, maybe twice, maybe nested."""
    iat = draw(
        st.one_of(
            _SIGNED_AGO.map(lambda ago: int(NOW.timestamp() - ago)),
            st.integers(-(10**13), 10**13),
            st.floats(allow_nan=True),
            st.booleans(),
            st.text(max_size=4),
            st.none(),
        )
    )
    pairs = [("sub", "arn:aws:sts::1:assumed-role/A/" + draw(st.text(max_size=4)))]
    if draw(st.integers(0, 4)):
        pairs.append(("iat", iat))
    for _ in range(draw(st.integers(0, 2))):
        pairs.insert(
            draw(st.integers(0, len(pairs))), (draw(st.sampled_from(["iat", "x"])), draw(_VALUES))
        )
    ascii_only = draw(st.booleans())
    body = ", ".join(
        json.dumps(k, ensure_ascii=ascii_only) + ": " + json.dumps(v, ensure_ascii=ascii_only)
        for k, v in pairs
    )
    return ("{" + body + "}").encode("utf-8", "surrogatepass")


@st.composite
def _id_token(draw) -> object:
    how = draw(st.integers(0, 3))
    if how == 0:  # well formed, any claims
        return JWTS.jwt(draw(_claims()))
    if how == 1:  # a payload of odd characters
        alphabet = 'AZaz09-_+/=.\\"% \u00e9'
        middle = draw(st.text(alphabet=alphabet, max_size=40))
        return f"e30.{middle}.sig"
    if how == 2:  # not a string
        return draw(_SCALARS)
    return id_token(NOW - timedelta(seconds=draw(_SIGNED_AGO)))


@st.composite
def _login_like(draw) -> bytes:
    """A console-session file as JSON: keys missing or repeated, odd values, odd idTokens."""
    base = _login(
        draw(st.sampled_from([600, 301, 299, 60, -3600])) + draw(st.integers(-3, 3)),
        idToken=draw(_id_token()),
    )
    credentials = dict(base["accessToken"])
    for key in CREDENTIAL_KEYS:
        if not draw(st.integers(0, 6)):
            credentials[key] = draw(_VALUES)
    base["accessToken"] = credentials if draw(st.integers(0, 8)) else draw(_VALUES)
    pairs = [(k, v) for k, v in base.items() if draw(st.integers(0, 8))]
    for _ in range(draw(st.integers(0, 3))):
        key = draw(st.one_of(st.sampled_from(LOGIN_KEYS), st.text(max_size=6)))
        pairs.insert(draw(st.integers(0, len(pairs))), (key, draw(_VALUES)))
    indent = draw(st.sampled_from([None, None, 2]))
    return (
        b"{"
        + b", ".join(
            json.dumps(k).encode() + b": " + json.dumps(v, indent=indent).encode() for k, v in pairs
        )
        + b"}"
    )


LOGIN_FILES = st.one_of(
    _login_like(),
    _mutated((LOGIN_FRESH, LOGIN_DUE), b'{}[]",:.\\ \t0aeu=-_\x00\xff'),
    st.binary(max_size=200),
)


def _login_python(path: Path, now: datetime) -> str:
    token, missing = state.load_json(str(path), "cached console session")
    return login_session.classify(token, now, missing=missing).state


def test_generated_console_session_files(sandbox):
    batch: list[bytes] = []

    @settings(
        max_examples=400, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(LOGIN_FILES)
    def collect(content: bytes) -> None:
        path = sandbox.home / "probe.json"
        path.write_bytes(content)
        assert _login_python(path, NOW) in ORDER  # never raises
        batch.append(content)

    collect()
    # Controls: what the AWS CLI writes, fresh, due and over, read exactly by every shell.
    controls = [LOGIN_FRESH, LOGIN_DUE, json.dumps(_login(60, signed_ago=13 * 3600)).encode()]
    contents = [*batch, *controls]
    folder = sandbox.home / "sessions"
    folder.mkdir()
    paths = []
    for n, content in enumerate(contents):
        (folder / f"{n}.json").write_bytes(content)
        paths.append(folder / f"{n}.json")
    before = [_login_python(p, datetime.now(timezone.utc)) for p in paths]
    got = {}
    for shell in SHELLS:
        quote = get_shell(shell).quote
        init = sandbox.home / f"init.{shell}"
        init.write_text(init_code(shell), encoding="utf-8")
        lines = [source_line(shell, init)]
        lines += [LOGIN_PROBE[shell].format(quote(str(p))) for p in paths]
        proc = run_shell(sandbox, shell, "\n".join(lines) + "\n", env=SWITCHED, timeout=300)
        assert (proc.returncode, proc.stderr) == (0, ""), (shell, proc.stderr[-2000:])
        got[shell] = proc.stdout.split("\n")[: len(paths)]
        assert len(got[shell]) == len(paths), shell
    after = [_login_python(p, datetime.now(timezone.utc)) for p in paths]
    wrong = [
        (shell, got[shell][n], before[n], content[:400])
        for n, content in enumerate(contents)
        for shell in SHELLS
        if got[shell][n] != state.LOGIN_NEEDED and got[shell][n] not in (before[n], after[n])
    ]
    assert not wrong
    for shell in SHELLS:
        assert got[shell][-3:] == [state.FRESH, state.REFRESHABLE, state.LOGIN_NEEDED], shell
    # The generator reaches every answer, not only the conservative one.
    assert {state.FRESH, state.REFRESHABLE} <= set(got["bash"][: len(batch)])


# -- the completion's awk reader over random config files -----------------------------------

CONFIG_PARTS = [
    b"[", b"]", b"[default]", b"[profile a.b.c]", b"[profile 'a b']", b'[profile "q"]',
    b"[sso-session s]", b"[sso-session 'x y']", b"[DEFAULT]", b"[profile a", b"profile ",
    b" ", b"\t", b"\n", b"\r\n", b"\r", b"=", b"region", b"#", b";", b"a", b".", b"'",
    b'"', b"\\", b"$(id)", b"%s", b"\xff", b"\x00", b"\xc3\xa9", b"\x1b[31m",
]  # fmt: skip
CONFIGS = st.one_of(
    st.lists(st.sampled_from(CONFIG_PARTS), max_size=60).map(b"".join), st.binary(max_size=300)
)


def test_awk_reader_takes_any_bytes(sandbox):
    batch: list[bytes] = []

    @settings(
        max_examples=150, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(CONFIGS)
    def collect(content: bytes) -> None:
        batch.append(content)

    collect()
    folder = sandbox.home / "configs"
    folder.mkdir()
    program = ROOT / "shell" / "fragments" / "names.awk"
    for n, content in enumerate(batch):
        path = folder / str(n)
        path.write_bytes(content)
        for args in (
            ["-v", "kind=profiles", "-v", "all=1", "-v", "fold=1"],
            ["-v", "kind=sessions"],
        ):
            proc = subprocess.run(
                ["awk", *args, "-f", str(program), "a", "cfg=1", str(path), "cfg=0", str(path)],
                capture_output=True,
                timeout=30,
                env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"},
            )
            assert (proc.returncode, proc.stderr) == (0, b""), (content, proc.stderr)
            assert b"\n\n" not in b"\n" + proc.stdout  # no empty name


@pytest.mark.parametrize("shell", SHELLS)
def test_completion_over_a_random_config_is_quiet(sandbox, shell):
    sandbox.config.write_bytes(bytes(range(256)) * 4 + b"\n[profile ok.one.two]\n")
    init = sandbox.home / f"init.{shell}"
    init.write_text(init_code(shell), encoding="utf-8")
    call = {
        "bash": '__awsswitch_names profiles ""; printf "%s\\n" "${__awsswitch_reply[@]}"',
        "zsh": "__awsswitch_names profiles ''; print -rl -- $reply",
        "fish": "__awsswitch_names profiles ''",
    }[shell]
    proc = run_shell(sandbox, shell, f"{source_line(shell, init)}\n{call}\n", timeout=60)
    assert (proc.returncode, proc.stderr) == (0, "")
    assert "ok.one.two" in proc.stdout.split("\n")

"""The prompt's state of an `aws login` console session (AWSSWITCH_LOGIN_FILE) agrees with
awsswitch.login_session (status_of: sso.state.load_json, then classify).

One table of login cache files goes through Python and through the prompt hook of real bash,
zsh and fish, one shell process per shell for the whole table. A second table holds the files
the shells knowingly answer "login-needed" for while Python reads them: a "!" too many, never
a missing one. Then: the memo of the decoded idToken follows the file, no secret reaches a
trace or outlives the prompt in a variable, `asw` exports the file for console profiles (and
role chains ending in one) and drops it otherwise, and a FIFO, a huge file or a folder at the
path say login-needed without hanging. Tables are built at test time: their dates are
relative to now (support/login_files.py builds them).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import pytest
from support.login_files import (
    ARN,
    DPOP_KEY,
    DROP,
    FRESH,
    HOUR,
    LOGIN,
    REFRESHABLE,
    SIGNATURE,
    Files,
    conservative,
    entry,
    jwt_payload,
    table,
)
from support.shells import (
    CONFIG,
    HOSTILE_SETTINGS,
    SHELLS,
    STATE_AND_SEGMENT,
    fresh_tokens,
    init_code,
    login_probe,
    run_shell,
    run_with_init,
    source_line,
    write_rows,
    write_token,
)

from awsswitch import login_session
from awsswitch.shells import get_shell

RANK = {LOGIN: 0, REFRESHABLE: 1, FRESH: 2}  # how permissive a state is
MARK = {FRESH: "", REFRESHABLE: "~", LOGIN: "!"}
SEGMENT = "aws:p"  # AWS_PROFILE=AWSSWITCH_PROFILE=p (support.shells.SWITCHED)

# The cache file name of ARN: the one the AWS CLI's own test data uses (docs/login-sessions.md).
ARN_FILE = "4b0ba8f99f075c0633e122fd73346ce203a3faf18ea0310eb2d29df1bab2e255.json"
# What the files hold that must never show (support.login_files.entry's, and ours).
_CREDS = entry()["accessToken"]
SECRETS = {
    "secretAccessKey": _CREDS["secretAccessKey"],
    "sessionToken": _CREDS["sessionToken"],
    "refreshToken": entry()["refreshToken"],
    "dpopKey": DPOP_KEY.splitlines()[1],
    "the idToken's signature": SIGNATURE,
}


def _now() -> int:
    return int(time.time())


# -- Python and the shells over the tables -----------------------------------------------------


def _python_state(path: Path | str) -> str:
    return login_session.status_of(login_session.LoginTarget("p", ARN, str(path))).state


def _parse(proc, count: int, *, quiet: bool = True) -> list[str]:
    """The states `count` probes printed; each segment must carry its state's mark."""
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == "" or not quiet
    lines = proc.stdout.splitlines()
    assert len(lines) == count, proc.stdout
    for line in lines:
        found, _, segment = line.partition("|")
        assert found in MARK and segment == SEGMENT + MARK[found], line
    return [line.partition("|")[0] for line in lines]


def _shell_states(sandbox, shell: str, paths: list[Path], preamble: str = "") -> list[str]:
    """The state each file gives in the prompt of one real `shell` (one process)."""
    probes = [login_probe(shell, p) for p in paths]
    return _parse(run_with_init(sandbox, shell, probes, preamble=preamble), len(paths))


def _problems(rows, careful, got: list[str], want: list[str]) -> dict[str, list[str]]:
    n = len(rows)
    said = [(case, g, w) for (case, _, _), g, w in zip(rows + careful, got, want, strict=True)]
    problems = {
        "differ from Python": [f"{c}: shell {g}, Python {w}" for c, g, w in said[:n] if g != w],
        "not login-needed": [f"{c}: shell {g}" for c, g, _ in said[n:] if g != LOGIN],
        # The invariant over both tables: never more permissive than Python.
        "more permissive": [f"{c}: shell {g}, Python {w}" for c, g, w in said if RANK[g] > RANK[w]],
    }
    return {k: v for k, v in problems.items() if v}


def _agreement(sandbox, shell: str, preamble: str = "") -> dict[str, list[str]]:
    now = _now()
    rows, careful = table(now), conservative(now)
    paths = write_rows(sandbox.home / "login", rows + careful)
    want = [_python_state(p) for p in paths]
    return _problems(rows, careful, _shell_states(sandbox, shell, paths, preamble), want)


def test_table_is_what_login_session_says(sandbox):
    rows = table(_now())
    paths = write_rows(sandbox.home / "login", rows)
    got = [_python_state(p) for p in paths]
    assert [f"{c}: {g}" for (c, w, _), g in zip(rows, got, strict=True) if g != w] == []
    assert len({case for case, _, _ in rows}) == len(rows)


def test_conservative_rows_are_read_by_python(sandbox):
    rows = conservative(_now())
    got = [_python_state(p) for p in write_rows(sandbox.home / "login", rows)]
    # Python reads each of them (else the row would belong in the first table).
    assert got == [want for _, want, _ in rows]
    assert LOGIN not in got
    assert len({case for case, _, _ in rows}) == len(rows)


@pytest.mark.parametrize("shell", SHELLS)
def test_shells_agree_with_login_session(sandbox, shell):
    assert not _agreement(sandbox, shell)


@pytest.mark.parametrize("shell", sorted(HOSTILE_SETTINGS))
def test_user_settings_change_nothing(sandbox, shell):
    assert not _agreement(sandbox, shell, HOSTILE_SETTINGS[shell])


_SET_TOKEN_FILE = {
    "bash": "AWSSWITCH_TOKEN_FILE={}",
    "zsh": "AWSSWITCH_TOKEN_FILE={}",
    "fish": "set -g AWSSWITCH_TOKEN_FILE {}",
}
_UNSET_TOKEN_FILE = {"bash": "unset AWSSWITCH_TOKEN_FILE", "fish": "set -e AWSSWITCH_TOKEN_FILE"}
_UNSET_TOKEN_FILE["zsh"] = _UNSET_TOKEN_FILE["bash"]


@pytest.mark.parametrize("shell", SHELLS)
def test_sso_token_file_comes_first(sandbox, shell):
    f = Files(_now())
    fresh, stale = sandbox.home / "fresh.json", sandbox.home / "stale.json"
    fresh.write_bytes(f.fresh())
    stale.write_bytes(f.due(ago=13 * HOUR))
    token = write_token(sandbox, "awssso.home")  # fresh for 8 hours
    quote = get_shell(shell).quote
    lines = [
        _SET_TOKEN_FILE[shell].format(quote(str(sandbox.home / "no-such-token.json"))),
        login_probe(shell, fresh),  # the SSO state: no token, login needed
        _SET_TOKEN_FILE[shell].format(quote(str(token))),
        login_probe(shell, stale),  # the SSO state: fresh
        _UNSET_TOKEN_FILE[shell],
        login_probe(shell, fresh),
        login_probe(shell, stale),
    ]
    got = _parse(run_with_init(sandbox, shell, lines), 4)
    assert got == [LOGIN, FRESH, FRESH, LOGIN]


# -- the memo of the decoded idToken, and what outlives the prompt --------------------------


@pytest.mark.parametrize("shell", SHELLS)
def test_memo_follows_the_file(sandbox, shell):
    f = Files(_now())
    variants = {
        "a": f.due(),
        "b": f.due(ago=13 * HOUR),  # another payload: signed in 13 h ago
        "b fresh": f.fresh(ago=13 * HOUR),  # b's payload, fresh credentials
        "a resigned": f.due(idToken=f.jwt(sig="another")),
        "no iat": f.signed(f.claims(iat=DROP)),
        # The shells cannot decode these (conservative rows): login-needed whatever the memo.
        "non-ASCII": f.signed(json.dumps(f.claims(name="Jos\u00e9"), ensure_ascii=False)),
        "a, three dots": f.due(idToken=f.jwt(sig="x.y")),
    }
    knowingly_login = {"non-ASCII", "a, three dots"}
    sequence = [
        *("a", "a", "b", "b", "a", "no iat", "a", "non-ASCII", "a", "a, three dots", "a"),
        *("b fresh", "b", "a resigned", "a"),
    ]
    files = write_rows(sandbox.home / "variants", [("", "", c) for c in variants.values()])
    sources = dict(zip(variants, files, strict=True))
    target, env_file = sandbox.home / "login.json", sandbox.home / "env.txt"
    quote = get_shell(shell).quote
    lines = []
    for name in sequence:
        lines.append(f"command cp -f {quote(str(sources[name]))} {quote(str(target))}")
        lines.append(login_probe(shell, target))
    lines.append(f"command env > {quote(str(env_file))}")
    got = _parse(run_with_init(sandbox, shell, lines), len(sequence))
    python = {name: _python_state(path) for name, path in sources.items()}
    assert (python["a"], python["b"], python["b fresh"]) == (REFRESHABLE, LOGIN, FRESH)
    assert got == [LOGIN if name in knowingly_login else python[name] for name in sequence]
    # The memo is the shell's own: not exported.
    assert "__awsswitch_login" not in env_file.read_text(encoding="utf-8", errors="replace")


# Every shell variable with its value, into a file.
_DUMP_VARIABLES = {"bash": "declare -p > {}", "zsh": "typeset -p > {}", "fish": "set > {}"}


@pytest.mark.parametrize("shell", SHELLS)
def test_no_secret_outlives_the_prompt(sandbox, shell):
    """After the prompt no shell variable (BASH_REMATCH included) holds a token, whichever
    way the reading went: the memo keeps the claims, never the signature."""
    f = Files(_now())
    payload = jwt_payload(f.claims())
    rows = [
        ("fresh", f.fresh()),
        ("refreshable, decoded", f.due()),
        ("refreshable, from the memo", f.due()),
        ("signed in 13 h ago", f.due(ago=13 * HOUR)),
        ("no iat", f.signed(f.claims(iat=DROP))),
        ("iat a string", f.signed(f.claims(iat="1"))),
        ("claims not ASCII", f.signed(json.dumps(f.claims(n="\u00e9"), ensure_ascii=False))),
        ("payload one character over", f.due(idToken=f.jwt(payload=payload + "AAAAA"))),
        ("payload with a bad character", f.due(idToken=f.jwt(payload="!" + payload))),
        ("three dots", f.due(idToken=f.jwt(sig="x.y"))),
        ("no refresh token", f.due(refreshToken="")),
        ("an empty secret key", f.fresh(access={"secretAccessKey": ""})),
    ]
    paths = write_rows(sandbox.home / "login", [(case, "", content) for case, content in rows])
    dumps = [sandbox.home / f"vars-{n}.txt" for n in range(len(rows))]
    quote = get_shell(shell).quote
    lines = []
    for path, dump in zip(paths, dumps, strict=True):
        lines += [login_probe(shell, path), _DUMP_VARIABLES[shell].format(quote(str(dump)))]
    _parse(run_with_init(sandbox, shell, lines), len(paths))
    held: dict[str, list[str]] = {}
    for (case, _), dump in zip(rows, dumps, strict=True):
        text = dump.read_text(encoding="utf-8", errors="replace")
        assert "AWSSWITCH_TOKEN_STATE" in text  # the dump worked
        for line in text.splitlines():
            if found := [label for label, secret in SECRETS.items() if secret in line]:
                # "declare -a NAME=(...", "typeset NAME=...", fish: "NAME value".
                name = line.split()[0] if shell == "fish" else line.partition("=")[0].split()[-1]
                held.setdefault(case, []).append(f"{name}: {', '.join(found)}")
    assert not held, "; ".join(f"{case}: {names}" for case, names in held.items())


TRACE = {"bash": "set -x", "zsh": "setopt xtrace", "fish": "set fish_trace 1"}


@pytest.mark.parametrize("shell", SHELLS)
def test_prompt_prints_no_secret_when_traced(sandbox, shell):
    f = Files(_now())
    rows = [
        ("fresh", FRESH, f.fresh()),
        ("refreshable", REFRESHABLE, f.due()),
        ("refreshable again (memo)", REFRESHABLE, f.due()),
        ("signed in 13 h ago", LOGIN, f.due(ago=13 * HOUR)),
        ("no iat", REFRESHABLE, f.signed(f.claims(iat=DROP))),
        ("an empty secret", LOGIN, f.fresh(access={"accessKeyId": ""})),
    ]
    paths = write_rows(sandbox.home / "login", rows)
    lines = [TRACE[shell], *[login_probe(shell, p) for p in paths], "true after-the-prompt"]
    proc = run_with_init(sandbox, shell, lines)
    got = _parse(proc, len(paths), quiet=False)
    assert got == [_python_state(p) for p in paths] == [want for _, want, _ in rows]
    # The trace was on, before the prompt and after it...
    assert str(paths[0]) in proc.stderr
    assert "after-the-prompt" in proc.stderr
    # ...and showed none of what the files hold.
    assert [label for label, secret in SECRETS.items() if secret in proc.stderr] == []


# -- end to end through `asw` --------------------------------------------------------------

CONSOLE_CONFIG = f"""{CONFIG}
[profile console]
login_session = {ARN}
region = eu-west-1

[profile console-admin]
role_arn = arn:aws:iam::012345678910:role/Admin
source_profile = console
"""


def _session(sandbox, shell: str, steps, env: dict[str, str]) -> list[tuple]:
    """One shell; each step copies a file to a path (or not), runs `asw ARGS` (or not), then
    records (status or None, AWSSWITCH_LOGIN_FILE, AWSSWITCH_TOKEN_FILE, state, segment), the
    files as exported."""
    quote = get_shell(shell).quote
    out = sandbox.home / "steps"
    out.mkdir()
    init = sandbox.home / f"init.{shell}"
    init.write_text(init_code(shell), encoding="utf-8")
    lines = [source_line(shell, init)]
    for n, (copy, dest, args) in enumerate(steps):
        rc, envf, seg = (quote(str(out / f"{n}.{ext}")) for ext in ("rc", "env", "seg"))
        if copy is not None:
            lines.append(f"command cp -f {quote(str(copy))} {quote(str(dest))}")
        if args is not None:
            call = "asw " + " ".join(quote(a) for a in args)
            if shell == "fish":
                lines.append(f"{call}; printf '%s' $status > {rc}")
            else:
                lines.append(f"__t_rc=0; {call} || __t_rc=$?; printf '%s' \"$__t_rc\" > {rc}")
        lines.append(f"command env -0 > {envf}")
        render = STATE_AND_SEGMENT[shell]
        lines.append(
            f"begin; {render}; end > {seg}" if shell == "fish" else f"{{ {render}; }} > {seg}"
        )
    proc = run_shell(sandbox, shell, "\n".join(lines) + "\n", env=env)
    assert proc.returncode == 0, proc.stderr
    results = []
    for n in range(len(steps)):
        rc = out / f"{n}.rc"
        raw = (out / f"{n}.env").read_bytes().decode("utf-8", "surrogateescape")
        exported = dict(item.partition("=")[::2] for item in raw.split("\0") if item)
        found, _, segment = (out / f"{n}.seg").read_text("utf-8").rstrip("\n").partition("|")
        results.append(
            (
                int(rc.read_text()) if rc.exists() else None,
                exported.get("AWSSWITCH_LOGIN_FILE"),
                exported.get("AWSSWITCH_TOKEN_FILE"),
                found,
                segment,
            )
        )
    return results


@pytest.mark.parametrize("shell", SHELLS)
def test_asw_points_the_prompt_at_the_console_session(sandbox, shell):
    assert hashlib.sha256(ARN.encode()).hexdigest() + ".json" == ARN_FILE
    f = Files(_now())
    sandbox.write_config(CONSOLE_CONFIG)
    fresh_tokens(sandbox)
    cache = sandbox.home / "login-cache"
    cache.mkdir()
    login_file = cache / ARN_FILE
    fresh, refreshable, stale = write_rows(
        sandbox.home / "variants",
        [
            ("fresh", "", f.fresh(HOUR)),
            ("refreshable", "", f.due()),
            ("usable, not refreshable", "", f.fresh(240, ago=13 * HOUR)),
        ],
    )
    steps = [
        (fresh, login_file, ["console"]),  # fresh: no login runs
        (refreshable, login_file, None),  # the prompt follows the file
        (None, None, ["--no-login", "console"]),
        (None, None, ["--no-login", "home.poweruser"]),
        (None, None, ["--no-login", "console-admin"]),  # a role whose chain ends in console
        (stale, login_file, ["--no-login", "console"]),
        (None, None, ["static"]),
        (None, None, ["--no-login", "console"]),
        (None, None, ["-u"]),
    ]
    got = _session(sandbox, shell, steps, {"AWS_LOGIN_CACHE_DIRECTORY": str(cache)})
    login = str(login_file)
    token = str(sandbox.sso_cache / (hashlib.sha1(b"awssso.home").hexdigest() + ".json"))
    assert got == [
        # (status, AWSSWITCH_LOGIN_FILE, AWSSWITCH_TOKEN_FILE, state, segment)
        (0, login, None, FRESH, "aws:console"),
        (None, login, None, REFRESHABLE, "aws:console~"),
        (0, login, None, REFRESHABLE, "aws:console~"),
        (0, None, token, FRESH, "aws:home.poweruser"),
        (0, login, None, REFRESHABLE, "aws:console-admin~"),
        (0, login, None, LOGIN, "aws:console!"),
        (0, None, None, "", "aws:static"),
        (0, login, None, LOGIN, "aws:console!"),
        (0, None, None, "", ""),
    ]


# -- hostile files ---------------------------------------------------------------------------


@pytest.mark.parametrize("shell", SHELLS)
def test_hostile_files_never_hang_nor_run(sandbox, shell):
    f = Files(_now())
    folder = sandbox.home / "hostile"
    folder.mkdir()
    fifo, huge, directory, loop, fresh, link, odd, evil = (
        folder / name
        for name in (
            "fifo.json",
            "huge.json",
            "folder.json",
            "loop.json",
            "fresh.json",
            "link.json",
            "we ird $(touch PWNED) `touch PWNED` 'q\"\n;.json",
            "evil.json",
        )
    )
    os.mkfifo(fifo)
    huge.write_bytes(f.fresh(pad="x" * (20 << 20)))  # 20 MB
    directory.mkdir()
    loop.symlink_to(loop)
    fresh.write_bytes(f.fresh())
    link.symlink_to(fresh)
    odd.write_bytes(f.fresh())
    run = "$(touch PWNED)`touch PWNED`${HOME}"
    claims = f.claims(sub=run, name=run)
    evil.write_bytes(f.signed(claims, tokenType=run, access={"secretAccessKey": run}))
    login_needed = [fifo, huge, directory, loop, Path("/dev/zero"), Path("/dev/null")]
    paths = [*login_needed, link, odd, evil]
    want = [_python_state(p) for p in paths]
    assert want == [LOGIN] * len(login_needed) + [FRESH, FRESH, REFRESHABLE]
    # The run's own timeout bounds a hang: the shells test -f before they read.
    proc = run_with_init(sandbox, shell, [login_probe(shell, p) for p in paths], timeout=60)
    assert _parse(proc, len(paths)) == want
    assert list(sandbox.home.rglob("PWNED")) == []

"""`aws login` console sessions (awsswitch.login_session): the cache path and name as botocore
derives them, the states of cache files built from the documented format (docs/login-sessions.md),
the profile kind, and the delegation to `aws login` through a stub AWS CLI on PATH."""

from __future__ import annotations

import json
import os
import stat
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from support.login_files import ARN, cache_path, entry, write
from support.sandbox import Sandbox

from awsswitch import login_session as ls
from awsswitch.config.profiles import KIND_KEYS, KIND_LOGIN, KIND_PROCESS, KIND_ROLE, load_index
from awsswitch.errors import AwsswitchError

STUB = r"""#!{python}
# A stand-in for the AWS CLI: `--version`, and `login` (records argv and environment, then
# copies $STUB_SOURCE to $STUB_TARGET as the real one writes its cache).
import json, os, shutil, sys
if sys.argv[1:] == ["--version"]:
    print(os.environ.get("STUB_VERSION", "aws-cli/2.32.0 Python/3.13.7 Linux/6 exe/x86_64"))
    sys.exit(0)
log = os.environ["STUB_LOG"]
with open(log, "a", encoding="utf-8") as fh:
    keep = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_LOGIN_CACHE_DIRECTORY", "AWS_CONFIG_FILE")
    env = {{k: os.environ[k] for k in keep if k in os.environ}}
    fh.write(json.dumps({{"argv": sys.argv[1:], "env": env, "tty": os.isatty(0)}}) + "\n")
print("stub aws: signing in (this line must not reach stdout)")
config = os.environ.get("STUB_CONFIG")
if config:
    shutil.copyfile(config, os.environ["AWS_CONFIG_FILE"])
source, target = os.environ.get("STUB_SOURCE"), os.environ.get("STUB_TARGET")
if source and target:
    os.makedirs(os.path.dirname(target), exist_ok=True)
    shutil.copyfile(source, target)
sys.exit(int(os.environ.get("STUB_EXIT", "0")))
"""


def install_stub(folder: Path) -> Path:
    """An executable `aws` in `folder` (put the folder first on PATH)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "aws"
    path.write_text(STUB.format(python=sys.executable), encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def calls(log: Path) -> list[dict[str, object]]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def path_with(folder: Path) -> str:
    """PATH with `folder` first and only system folders after it (no real `aws` v1 first)."""
    return os.pathsep.join([str(folder), "/usr/local/bin", "/usr/bin", "/bin"])


def _botocore(module: str, name: str):
    """`name` from botocore's `module`, or skip: botocore knows `aws login` sessions only from
    the release that added them (the oldest botocore the bounds allow does not)."""
    from importlib import import_module

    found = getattr(import_module(module), name, None)
    if found is None:
        pytest.skip(f"this botocore has no {module}.{name} (no `aws login` support yet)")
    return found


# -- the cache file's name and folder ---------------------------------------------------------


def test_cache_key_is_sha256_of_the_session_arn_as_botocore_derives_it() -> None:
    # The file name the AWS CLI's own login test data uses for this ARN.
    assert ls.cache_key(ARN) == "4b0ba8f99f075c0633e122fd73346ce203a3faf18ea0310eb2d29df1bab2e255"
    generate_login_cache_key = _botocore("botocore.utils", "generate_login_cache_key")
    for arn in (ARN, "arn:aws:iam::123456789012:user/Zoë", "arn:aws:iam::1:root", " x "):
        assert ls.cache_key(arn) == generate_login_cache_key(arn)


@pytest.mark.parametrize(
    "value", [None, "~/logins", "$HOME/a/${HOME}/b", "/abs/folder", "", "~nosuchuser9/x", "$NOPE/x"]
)
def test_cache_folder_matches_botocore(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, value: str | None
) -> None:
    get_login_token_cache_directory = _botocore("botocore.utils", "get_login_token_cache_directory")

    if value is None:
        monkeypatch.delenv(ls.ENV_VAR, raising=False)
    else:
        monkeypatch.setenv(ls.ENV_VAR, value)
    assert ls.cache_dir(dict(os.environ)) == get_login_token_cache_directory()
    if value is None:
        assert ls.cache_dir(dict(os.environ)) == str(sandbox.home / ".aws" / "login" / "cache")


# -- states -------------------------------------------------------------------------------------

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("data", "state", "reason"),
    [
        (entry(now=NOW), ls.FRESH, "credentials valid"),
        (entry(now=NOW, expires_in=301), ls.FRESH, "credentials valid"),
        (entry(now=NOW, expires_in=300), ls.REFRESHABLE, "credentials expiring"),
        (entry(now=NOW, expires_in=-3600), ls.REFRESHABLE, "credentials expired"),
        (
            entry(now=NOW, expires_in=-60, signed_in_ago=12 * 3600 + 1),
            ls.LOGIN_NEEDED,
            "credentials expired; the console session is over (signed in more than 12 hours ago)",
        ),
        # 11 h 59 m after signing in the session still refreshes.
        (entry(now=NOW, expires_in=-60, signed_in_ago=12 * 3600 - 60), ls.REFRESHABLE, None),
        (
            entry(now=NOW, expires_in=60, refreshToken=""),
            ls.LOGIN_NEEDED,
            "credentials expiring and cannot be refreshed",
        ),
        # No idToken date: nothing says the session is over.
        (entry(now=NOW, expires_in=-60, idToken="not.a-jwt"), ls.REFRESHABLE, None),
        (entry(now=NOW, expires_in=-60, idToken=7), ls.REFRESHABLE, None),
        # botocore refuses a file without any of these, however fresh its credentials.
        (entry(now=NOW, drop=("dpopKey",)), ls.LOGIN_NEEDED, "incomplete (no dpopKey)"),
        (entry(now=NOW, drop=("refreshToken",)), ls.LOGIN_NEEDED, "incomplete (no refreshToken)"),
        (
            entry(now=NOW, drop=("clientId", "accessToken")),
            ls.LOGIN_NEEDED,
            "incomplete (no accessToken, clientId)",
        ),
        (entry(now=NOW, accessToken="x"), ls.LOGIN_NEEDED, "cached credentials are invalid"),
        (
            entry(now=NOW, accessToken={"accessKeyId": "A", "expiresAt": "2099-01-01T00:00:00Z"}),
            ls.LOGIN_NEEDED,
            "cached credentials are invalid",
        ),
        (None, ls.LOGIN_NEEDED, "no cached credentials"),
    ],
)
def test_states(data: dict[str, object] | None, state: str, reason: str | None) -> None:
    got = ls.classify(data, NOW)
    assert got.state == state
    if reason is not None:
        assert reason in got.reason
    for secret in ("login-secret-access-key", "login-session-token", "login-refresh-token"):
        assert secret not in repr(got)


def test_status_carries_expiry_account_and_the_session_end() -> None:
    got = ls.classify(entry(now=NOW, expires_in=600, signed_in_ago=3600), NOW, session=ARN)
    assert got.state == ls.FRESH and got.session == ARN
    assert got.expires_at == NOW + timedelta(seconds=600)
    assert got.seconds_left(NOW) == 600
    assert got.account_id == "012345678910"
    assert got.signed_in_at == NOW - timedelta(seconds=3600)
    assert got.refresh_until == NOW + timedelta(hours=11)
    assert got.start_url is None


def test_only_what_botocore_loads_is_ever_usable(tmp_path: Path) -> None:
    """Every file botocore's LoginCredentialFetcher refuses is login-needed here too."""
    LoginCredentialFetcher = _botocore("botocore.credentials", "LoginCredentialFetcher")
    from botocore.exceptions import LoginTokenLoadError
    from botocore.utils import JSONFileCache, LoginTokenLoader

    variants = [
        entry(now=NOW),
        *(
            entry(now=NOW, drop=(k,))
            for k in ("accessToken", "refreshToken", "dpopKey", "clientId")
        ),
        entry(now=NOW, drop=("idToken", "tokenType")),  # not needed by botocore either
    ]
    for data in variants:
        write(tmp_path, data)
        fetcher = LoginCredentialFetcher(ARN, LoginTokenLoader(JSONFileCache(str(tmp_path))), None)
        try:
            creds = fetcher.load_cached_credentials()
        except LoginTokenLoadError:
            loads = False
        else:
            loads = True
            assert creds["access_key"] == "ASIAEXAMPLELOGIN0001"
        target = ls.LoginTarget("p", ARN, str(cache_path(tmp_path)))
        assert (ls.status_of(target, NOW).state != ls.LOGIN_NEEDED) == loads, data.keys()


def test_unreadable_cache_paths_are_login_needed_quickly(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    folder.mkdir()
    target = ls.LoginTarget("p", ARN, str(cache_path(folder)))
    assert ls.status_of(target).reason == "no cached console session"
    path = cache_path(folder)
    path.write_bytes(b"{not json")
    assert "corrupt" in ls.status_of(target).reason
    path.write_bytes(b"[1, 2]")
    assert "not a JSON object" in ls.status_of(target).reason
    path.write_bytes(b"{" + b" " * (2 * 1024 * 1024) + b"}")
    assert ls.status_of(target).state == ls.LOGIN_NEEDED
    path.unlink()
    os.mkfifo(path)  # nobody writes: a plain open() would block forever
    assert ls.status_of(target).state == ls.LOGIN_NEEDED
    path.unlink()
    path.mkdir()
    assert ls.status_of(target).state == ls.LOGIN_NEEDED


# -- the profile kind ---------------------------------------------------------------------------

CONFIG = f"""\
[profile console]
login_session = {ARN}
region = eu-west-1

[profile admin]
role_arn = arn:aws:iam::012345678910:role/Admin
source_profile = console

[profile both]
login_session = {ARN}
credential_process = /bin/false

[profile keyed]
login_session = {ARN}

[profile plain]
region = us-east-1
"""
CREDENTIALS = "[keyed]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n"


def test_login_profiles_are_their_own_kind_in_botocore_order(sandbox: Sandbox) -> None:
    sandbox.write_config(CONFIG)
    sandbox.credentials.write_text(CREDENTIALS, encoding="utf-8")
    index = load_index(sandbox.env)
    kinds = {p.name: p.kind for p in index.profiles}
    assert kinds == {
        "console": KIND_LOGIN,
        "admin": KIND_ROLE,
        "both": KIND_LOGIN,  # LoginProvider runs before ProcessProvider
        "keyed": KIND_KEYS,  # the credentials file's keys run before it
        "plain": "other",
    }
    assert index.by_name["console"].login_session == ARN
    assert KIND_PROCESS not in kinds.values()
    # Read again (from the index cache when the files are old enough): the same.
    assert load_index(sandbox.env) == index


def test_link_follows_source_profile_to_the_console_session(sandbox: Sandbox) -> None:
    sandbox.write_config(CONFIG)
    sandbox.credentials.write_text(CREDENTIALS, encoding="utf-8")
    env = {**sandbox.env, ls.ENV_VAR: str(sandbox.home / "logins")}
    index = load_index(env)
    expected = str(cache_path(sandbox.home / "logins"))
    for name in ("console", "admin"):
        target = ls.link(index.by_name[name], index, env)
        assert target == ls.LoginTarget("console", ARN, expected)
    for name in ("keyed", "plain"):
        assert ls.link(index.by_name[name], index, env) is None
        assert ls.status(index.by_name[name], index, env) is None
    write(sandbox.home / "logins", entry(expires_in=-60))
    got = ls.status(index.by_name["admin"], index, env)
    assert got is not None and got.state == ls.REFRESHABLE and got.cache_file == expected


# -- `aws login` through a stub AWS CLI ---------------------------------------------------------


class Cli:
    """A stub `aws` first on PATH, the environment ensure_fresh gets, and what it recorded."""

    def __init__(self, sandbox: Sandbox, tmp_path: Path) -> None:
        self.bin = tmp_path / "bin"
        install_stub(self.bin)
        self.log = tmp_path / "aws-calls.jsonl"
        self.logins = tmp_path / "logins"
        self.source = tmp_path / "next-login.json"
        self.env: dict[str, str] = {
            **sandbox.env,
            "PATH": path_with(self.bin),
            "STUB_LOG": str(self.log),
            "STUB_SOURCE": str(self.source),
            "STUB_TARGET": str(cache_path(self.logins)),
            ls.ENV_VAR: str(self.logins),
            "AWS_PROFILE": "something-else",  # must not reach the child
        }
        for name in ("SSH_CONNECTION", "SSH_TTY"):  # this machine's own session, if any
            self.env.pop(name, None)
        sandbox.write_config(CONFIG)
        self.source.write_text(json.dumps(entry(expires_in=900)), encoding="utf-8")

    def ensure(self, name: str = "console", **kw: object) -> str | None:
        index = load_index(self.env)
        options = {"interactive": True, **kw}
        profile = index.by_name[name]
        return ls.ensure_fresh(profile, index, env=self.env, **options)  # type: ignore[arg-type]

    @property
    def calls(self) -> list[dict[str, object]]:
        return calls(self.log)


@pytest.fixture
def cli(sandbox: Sandbox, tmp_path: Path) -> Cli:
    return Cli(sandbox, tmp_path)


def test_fresh_or_refreshable_sessions_are_kept_without_the_cli(cli: Cli) -> None:
    write(cli.logins, entry(expires_in=900))
    assert cli.ensure() == ls.KEPT
    write(cli.logins, entry(expires_in=-60))  # any SDK refreshes it on first use
    assert cli.ensure(interactive=False) == ls.KEPT
    assert cli.ensure("admin") == ls.KEPT  # through source_profile
    assert cli.ensure("plain") is None
    assert cli.calls == []


def test_stale_session_on_a_terminal_runs_aws_login(
    cli: Cli, capfd: pytest.CaptureFixture[str]
) -> None:
    write(cli.logins, entry(expires_in=-60, signed_in_ago=13 * 3600))
    assert cli.ensure("admin") == ls.LOGGED_IN
    (call,) = cli.calls
    assert call["argv"] == ["login", "--profile", "console"]
    assert call["env"] == {
        ls.ENV_VAR: str(cli.logins),
        "AWS_CONFIG_FILE": cli.env["AWS_CONFIG_FILE"],
    }
    out, err = capfd.readouterr()
    assert out == ""  # stdout is the shell's eval: nothing of the CLI's lands there
    assert "stub aws: signing in" in err
    assert "needs a new sign-in" in err and "running `aws login --profile console`" in err
    target = ls.LoginTarget("console", ARN, str(cache_path(cli.logins)))
    assert ls.status_of(target).state == ls.FRESH


def test_remote_login_and_hostile_profile_names(cli: Cli, sandbox: Sandbox) -> None:
    name = "x;$(touch pwned) 'q'"
    sandbox.write_config(CONFIG + f'\n[profile "{name}"]\nlogin_session = {ARN}\n')
    assert cli.ensure(name, remote=True) == ls.LOGGED_IN
    assert cli.calls[0]["argv"] == ["login", "--profile", name, "--remote"]
    # Over SSH without a forwarded display, --remote by default; with one, the browser flow.
    cli.env.update(SSH_CONNECTION="10.0.0.1 5000 10.0.0.2 22")
    cache_path(cli.logins).unlink()
    assert cli.ensure(name) == ls.LOGGED_IN
    cli.env.update(DISPLAY="localhost:10.0")
    cache_path(cli.logins).unlink()
    assert cli.ensure(name) == ls.LOGGED_IN
    assert [c["argv"][-1] for c in cli.calls] == ["--remote", "--remote", name]
    assert not (sandbox.home / "pwned").exists() and not Path("pwned").exists()
    target = ls.LoginTarget(name, ARN, "")
    assert target.login_hint == "aws login --profile 'x;$(touch pwned) '\\''q'\\'''"


def test_login_that_points_the_profile_at_a_new_session_is_followed(
    cli: Cli, tmp_path: Path
) -> None:
    new_arn = "arn:aws:iam::210987654321:user/other"
    new_config = tmp_path / "config-after-login"
    new_config.write_text(CONFIG.replace(ARN, new_arn), encoding="utf-8")
    cli.env["STUB_CONFIG"] = str(new_config)
    cli.env["STUB_TARGET"] = str(cache_path(cli.logins, new_arn))
    assert cli.ensure() == ls.LOGGED_IN
    index = load_index(cli.env)
    got = ls.status(index.by_name["console"], index, cli.env)
    assert got is not None and got.session == new_arn and got.state == ls.FRESH


@pytest.mark.parametrize(
    ("version", "says"),
    [
        (
            "aws-cli/2.31.9 Python/3.13.7 Linux/6 exe/x86_64",
            "AWS CLI 2.31.9, which has no `aws login`",
        ),
        ("aws-cli/1.45.11 Python/3.11.7 Linux/6 botocore/1.43.11", "AWS CLI 1.45.11"),
        ("something else 9.9.9", "is not an AWS CLI"),
    ],
)
def test_a_cli_without_aws_login_is_not_run_and_the_error_says_what_to_do(
    cli: Cli, version: str, says: str
) -> None:
    cli.env["STUB_VERSION"] = version
    with pytest.raises(ls.LoginNeeded) as caught:
        cli.ensure()
    message = str(caught.value)
    assert says in message
    assert "install AWS CLI v2 2.32.0 or newer" in message
    assert cli.calls == []


def test_no_cli_or_one_ruled_out(cli: Cli, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    cli.env["PATH"] = str(empty)
    with pytest.raises(ls.LoginNeeded, match=r"`aws` was not found; install AWS CLI v2 2\.32\.0"):
        cli.ensure()
    cli.env["PATH"] = path_with(cli.bin)
    cli.env["AWSSWITCH_AWS_CLI"] = "native"
    with pytest.raises(ls.LoginNeeded, match="AWSSWITCH_AWS_CLI=native rules out the AWS CLI"):
        cli.ensure()
    assert cli.calls == []
    cli.env["AWSSWITCH_AWS_CLI"] = str(cli.bin / "aws")  # a path works as well
    assert cli.ensure() == ls.LOGGED_IN
    assert len(cli.calls) == 1


def test_off_a_terminal_no_login_runs(cli: Cli, capfd: pytest.CaptureFixture[str]) -> None:
    write(cli.logins, entry(expires_in=-60, refreshToken=""))
    with pytest.raises(ls.LoginNeeded) as caught:
        cli.ensure(interactive=False)
    assert "this is not a terminal, so no login was attempted" in str(caught.value)
    assert "Run `aws login --profile console` first" in str(caught.value)
    # Still valid for a few minutes: used, with a warning (as SDKs keep using it).
    write(cli.logins, entry(expires_in=120, refreshToken=""))
    assert cli.ensure(interactive=False) == ls.KEPT
    assert "its credentials have 2m left: using them" in capfd.readouterr().err
    assert cli.calls == []


def test_failed_interrupted_or_empty_logins(cli: Cli) -> None:
    cli.env.pop("STUB_SOURCE")  # this stub signs nothing in
    cli.env["STUB_EXIT"] = "1"
    with pytest.raises(AwsswitchError, match=r"`aws login --profile console` failed \(exit 1\)"):
        cli.ensure()
    cli.env["STUB_EXIT"] = "130"
    with pytest.raises(KeyboardInterrupt):
        cli.ensure()
    cli.env["STUB_EXIT"] = "0"
    with pytest.raises(AwsswitchError, match="still has no usable credentials"):
        cli.ensure()
    assert len(cli.calls) == 3


def test_aws_login_gets_the_terminal_and_stdout_stays_clean(cli: Cli, tmp_path: Path) -> None:
    """Under a real pty, as `asw` runs it: the CLI can prompt (stdin is the terminal), and what
    it prints goes to stderr, never to the stdout the shell evals."""
    pexpect = pytest.importorskip("pexpect")
    out_file = tmp_path / "stdout"
    script = (
        "import sys\n"
        "from awsswitch import login_session as ls\n"
        "from awsswitch.config.profiles import load_index\n"
        "index = load_index()\n"
        "print(ls.ensure_fresh(index.by_name['admin'], index, interactive=True, env=dict("
        "__import__('os').environ)))\n"
    )
    command = f'{sys.executable} -c "$SCRIPT" > {out_file}'
    child = pexpect.spawn(
        "/bin/sh", ["-c", command], env={**cli.env, "SCRIPT": script}, encoding="utf-8", timeout=60
    )
    child.expect("stub aws: signing in")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    assert out_file.read_text(encoding="utf-8") == "logged-in\n"
    (call,) = cli.calls
    assert call["tty"] is True and call["argv"] == ["login", "--profile", "console"]

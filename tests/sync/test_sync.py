"""`awsswitch sync` end to end against the local Identity Center stand-in (real HTTP on
127.0.0.1, a real `awsswitch` process, the real config file in the sandbox)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from botocore.configloader import load_config
from support.sandbox import Sandbox, require

from awsswitch.standin import Account, StandIn
from awsswitch.sync import MARKER

START_URL = "https://d-1234567890.awsapps.com/start"
HOME = "awssso.home"
SAFE_NAME = re.compile(r"[a-z0-9][a-z0-9._-]*")

ACCOUNTS = [
    Account("111111111111", "Prod", "prod@example.com", ("AdministratorAccess", "ReadOnly")),
    Account("222222222222", "Dev", "dev@example.com", ("PowerUser",)),
]

USER_CONFIG = """\
# my AWS config: hand-written, must survive byte for byte
[default]
region = us-east-1   ; not a comment for botocore
output = json

[profile hand.made]
aws_access_key_id = AKIAEXAMPLE
s3 =
    addressing_style = path

[services local]
sts =
  endpoint_url = http://127.0.0.1:1

[sso-session awssso.home]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access
# trailing comment
"""


def session_block(name: str, region: str = "eu-west-1") -> str:
    return f"\n[sso-session {name}]\nsso_start_url = {START_URL}\nsso_region = {region}\n"


def write_token(
    sandbox: Sandbox, standin: StandIn, session: str, region: str = "eu-west-1", **mint: object
) -> Path:
    """A token in the AWS CLI's cache format, so no login runs."""
    grant = standin.mint_token(**mint)  # type: ignore[arg-type]
    sandbox.sso_cache.mkdir(parents=True, exist_ok=True)
    path = sandbox.sso_cache / (hashlib.sha1(session.encode()).hexdigest() + ".json")
    path.write_text(json.dumps(grant.cache_entry(START_URL, region)), encoding="utf-8")
    return path


@pytest.fixture
def standin() -> Iterator[StandIn]:
    with StandIn(ACCOUNTS) as s:
        yield s


@pytest.fixture
def org(sandbox: Sandbox, standin: StandIn) -> StandIn:
    """The user's config with one sso-session, its fresh token, and the stand-in."""
    sandbox.write_config(USER_CONFIG)
    write_token(sandbox, standin, HOME)
    sandbox.env.update(standin.env())
    return standin


def sync(sandbox: Sandbox, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    result = sandbox.run("sync", *args, **env)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def profiles(sandbox: Sandbox) -> dict[str, dict[str, object]]:
    """The profiles as botocore itself reads the file."""
    return load_config(str(sandbox.config))["profiles"]


def generated(sandbox: Sandbox) -> dict[str, dict[str, object]]:
    return {k: v for k, v in profiles(sandbox).items() if MARKER in v}


def test_fresh_sync_writes_native_profiles_and_keeps_everything_else(
    sandbox: Sandbox, org: StandIn
) -> None:
    result = sync(sandbox, HOME)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert "3 added, 0 updated, 0 removed, 0 unchanged, 0 skipped" in result.stderr
    assert generated(sandbox) == {
        "awsprofile.home.dev.poweruser": {
            "sso_session": HOME,
            "sso_account_id": "222222222222",
            "sso_role_name": "PowerUser",
            "region": "eu-west-1",
            MARKER: HOME,
        },
        "awsprofile.home.prod.administratoraccess": {
            "sso_session": HOME,
            "sso_account_id": "111111111111",
            "sso_role_name": "AdministratorAccess",
            "region": "eu-west-1",
            MARKER: HOME,
        },
        "awsprofile.home.prod.readonly": {
            "sso_session": HOME,
            "sso_account_id": "111111111111",
            "sso_role_name": "ReadOnly",
            "region": "eu-west-1",
            MARKER: HOME,
        },
    }
    text = sandbox.config.read_text(encoding="utf-8")
    # Comments, odd values, nested blocks and unrelated sections: byte-identical; new ones
    # appended after one blank line.
    assert text.startswith(USER_CONFIG + "\n[profile awsprofile.home.dev.poweruser]\n")
    assert org.count("ListAccounts") == 1
    assert org.count("ListAccountRoles") == 2


def test_rerun_changes_nothing(sandbox: Sandbox, org: StandIn) -> None:
    assert sync(sandbox, HOME).returncode == 0
    before = sandbox.config.read_bytes()
    inode = sandbox.config.stat().st_ino
    result = sync(sandbox, HOME)
    assert result.returncode == 0, result.stderr
    assert "0 added, 0 updated, 0 removed, 3 unchanged, 0 skipped" in result.stderr
    assert sandbox.config.read_bytes() == before
    assert sandbox.config.stat().st_ino == inode  # not even rewritten


def test_account_renamed_and_role_removed_update_and_prune(sandbox: Sandbox, org: StandIn) -> None:
    assert sync(sandbox, HOME, "--region", "ap-southeast-2").returncode == 0
    org.accounts = [
        Account("111111111111", "Production", None, ("AdministratorAccess",)),  # ReadOnly gone
        ACCOUNTS[1],
    ]
    # Without --prune the gone role's profile is kept and reported; the rename happens.
    result = sync(sandbox, HOME)
    assert result.returncode == 0, result.stderr
    assert "renamed from awsprofile.home.prod.administratoraccess" in result.stderr
    assert "awsprofile.home.prod.readonly kept: no longer granted (--prune removes it)" in (
        result.stderr
    )
    names = set(generated(sandbox))
    assert names == {
        "awsprofile.home.dev.poweruser",
        "awsprofile.home.production.administratoraccess",
        "awsprofile.home.prod.readonly",
    }
    # The renamed profile keeps the region it had (no --region this time).
    moved = generated(sandbox)["awsprofile.home.production.administratoraccess"]
    assert moved["region"] == "ap-southeast-2"

    result = sync(sandbox, HOME, "--prune")
    assert result.returncode == 0, result.stderr
    assert "- awsprofile.home.prod.readonly (no longer granted)" in result.stderr
    assert "0 added, 0 updated, 1 removed, 2 unchanged" in result.stderr
    assert set(generated(sandbox)) == names - {"awsprofile.home.prod.readonly"}
    assert sandbox.config.read_text(encoding="utf-8").startswith(USER_CONFIG)


def test_renamed_account_keeps_comments_extra_keys_and_nested_blocks_in_place(
    sandbox: Sandbox, org: StandIn
) -> None:
    assert sync(sandbox, HOME).returncode == 0
    old, new = (
        "awsprofile.home.prod.administratoraccess",
        "awsprofile.home.production.administratoraccess",
    )
    old_ro, new_ro = "awsprofile.home.prod.readonly", "awsprofile.home.production.readonly"
    # The user annotates a generated section: a comment, a key of their own, a nested block.
    text = sandbox.config.read_text(encoding="utf-8")
    head = f"[profile {old}]\n"
    assert head in text
    text = text.replace(
        head,
        head + "# my prod admin: keep me\noutput = table\ns3 =\n    addressing_style = path\n",
    )
    sandbox.write_config(text)
    org.accounts = [Account("111111111111", "Production", None, ACCOUNTS[0].roles), ACCOUNTS[1]]

    # --dry-run: the diff shows the two header lines and nothing else.
    result = sync(sandbox, HOME, "--dry-run")
    assert result.returncode == 0, result.stderr
    changed = [
        line
        for line in result.stdout.splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert changed == [
        f"-[profile {old}]",
        f"+[profile {new}]",
        f"-[profile {old_ro}]",
        f"+[profile {new_ro}]",
    ]
    assert f"~ {new} (renamed from {old})\n" in result.stderr
    assert f"- {old}" not in result.stderr  # shown once, as the rename
    assert "dry run, nothing written: 0 added, 2 updated, 0 removed, 1 unchanged" in result.stderr
    assert sandbox.config.read_text(encoding="utf-8") == text

    # Off a terminal, without --prune or --yes: renamed in place, every other byte kept.
    result = sync(sandbox, HOME)
    assert result.returncode == 0, result.stderr
    assert "0 added, 2 updated, 0 removed, 1 unchanged, 0 skipped" in result.stderr
    after = sandbox.config.read_text(encoding="utf-8")
    assert after == text.replace(f"[profile {old}]", f"[profile {new}]").replace(
        f"[profile {old_ro}]", f"[profile {new_ro}]"
    )
    got = profiles(sandbox)
    assert old not in got and old_ro not in got
    assert got[new] == {
        "output": "table",
        "s3": {"addressing_style": "path"},
        "sso_session": HOME,
        "sso_account_id": "111111111111",
        "sso_role_name": "AdministratorAccess",
        "region": "eu-west-1",
        MARKER: HOME,
    }

    # A rename that also changes a managed key: the header and that key's line only.
    org.accounts = [Account("111111111111", "Prod", None, ACCOUNTS[0].roles), ACCOUNTS[1]]
    result = sync(sandbox, HOME, "--dry-run", "--region", "ap-southeast-2")
    assert result.returncode == 0, result.stderr
    assert f"~ {old} (renamed from {new}; region)\n" in result.stderr
    assert "~ awsprofile.home.dev.poweruser (region)\n" in result.stderr
    assert result.stdout.count("\n-[profile ") == 2
    assert result.stdout.count("\n-region = eu-west-1\n") == 3
    assert result.stdout.count("\n+region = ap-southeast-2\n") == 3
    removed = [line for line in result.stdout.splitlines() if line.startswith("-")][1:]
    assert len(removed) == 5 and not any("table" in r or "addressing" in r for r in removed)
    assert sandbox.config.read_text(encoding="utf-8") == after


def test_hand_written_profile_with_the_same_name_is_never_overwritten(
    sandbox: Sandbox, org: StandIn
) -> None:
    mine = (
        "\n# mine, do not touch\n[profile awsprofile.home.dev.poweruser]\n"
        "sso_session = awssso.home\nsso_account_id = 999999999999\nsso_role_name = Mine\n"
    )
    sandbox.write_config(USER_CONFIG + mine)
    result = sync(sandbox, HOME, "--prune", "--yes")
    assert result.returncode == 0, result.stderr
    assert "! awsprofile.home.dev.poweruser skipped" in result.stderr
    assert "not generated by awsswitch" in result.stderr
    assert "2 added, 0 updated, 0 removed, 0 unchanged, 1 skipped" in result.stderr
    text = sandbox.config.read_text(encoding="utf-8")
    assert text.startswith(USER_CONFIG + mine)
    assert profiles(sandbox)["awsprofile.home.dev.poweruser"]["sso_account_id"] == "999999999999"


HOSTILE = [
    Account("333333333333", "$(id)", None, ("Admin",)),
    Account("444444444444", "`touch pwned`; \"quoted\" 'single'", None, ("Admin",)),
    Account("555555555555", "../../etc/passwd\\x", None, ("Admin",)),
    Account("666666666666", "Prödüction 🚀 ünïcode", None, ("Admin",)),
    Account("777777777777", "line\nbreak ] [profile x]", None, ("Admin",)),
    Account("888888888888", None, None, ("Admin",)),
    Account("999999999999", "日本語", None, ("Admin",)),
]


def test_hostile_account_names_give_safe_profile_names(sandbox: Sandbox, org: StandIn) -> None:
    org.accounts = HOSTILE
    result = sync(sandbox, HOME)
    assert result.returncode == 0, result.stderr
    names = sorted(generated(sandbox))
    assert names == [
        "awsprofile.home.888888888888.admin",
        "awsprofile.home.999999999999.admin",
        "awsprofile.home.etc-passwd-x.admin",
        "awsprofile.home.id.admin",
        "awsprofile.home.line-break-profile-x.admin",
        "awsprofile.home.production-unicode.admin",
        "awsprofile.home.touch-pwned-quoted-single.admin",
    ]
    assert all(SAFE_NAME.fullmatch(n) for n in names)
    assert not (sandbox.home / "pwned").exists()
    assert not Path("pwned").exists()


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_asw_switches_to_a_profile_from_a_hostile_name(
    sandbox: Sandbox, org: StandIn, shell: str
) -> None:
    path = require(shell)
    org.accounts = HOSTILE[:2]
    assert sync(sandbox, HOME).returncode == 0
    target = "awsprofile.home.touch-pwned-quoted-single.admin"
    assert target in generated(sandbox)
    awsswitch = f"{sys.executable} -m awsswitch"
    if shell == "fish":
        script = f"{awsswitch} init fish | source\nasw {target}\nprintf '%s\\n' $AWS_PROFILE\n"
    else:
        script = (
            f'eval "$({awsswitch} init {shell})"\nasw {target}\nprintf "%s\\n" "$AWS_PROFILE"\n'
        )
    env = {**sandbox.env, "SHELL": path}
    result = subprocess.run(
        [path, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=sandbox.home,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == target
    assert not (sandbox.home / "pwned").exists()


def _two_orgs(
    monkeypatch: pytest.MonkeyPatch, sandbox: Sandbox, home: StandIn, work: StandIn
) -> None:
    """Two sessions in two regions, each region's portal its own stand-in."""
    from awsswitch.sync import portal

    real = portal.make_client
    urls = {"eu-west-1": home.url, "us-east-1": work.url}

    def factory(region: str, env: dict[str, str], **kw: object) -> object:
        return real(region, {**env, "AWS_ENDPOINT_URL_SSO": urls[region]}, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(portal, "make_client", factory)
    sandbox.write_config(USER_CONFIG + session_block("awssso.work", "us-east-1"))
    write_token(sandbox, home, HOME)
    write_token(sandbox, work, "awssso.work", "us-east-1")


def test_two_organisations_at_once_each_pruned_against_its_own_listing(
    sandbox: Sandbox,
    standin: StandIn,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from awsswitch.commands import sync as sync_cmd

    with StandIn([Account("333333333333", "Prod", None, ("Admin", "Audit"))]) as work:
        _two_orgs(monkeypatch, sandbox, standin, work)
        env = dict(os.environ)
        assert sync_cmd.run([HOME, "awssso.work"], env=env) == 0
        names = set(generated(sandbox))
        assert names == {
            "awsprofile.home.dev.poweruser",
            "awsprofile.home.prod.administratoraccess",
            "awsprofile.home.prod.readonly",
            "awsprofile.work.prod.admin",
            "awsprofile.work.prod.audit",
        }
        assert generated(sandbox)["awsprofile.work.prod.admin"] == {
            "sso_session": "awssso.work",
            "sso_account_id": "333333333333",
            "sso_role_name": "Admin",
            "region": "us-east-1",
            MARKER: "awssso.work",
        }
        # Work loses Audit; home loses nothing. Pruning only work must not touch home, and
        # pruning both removes exactly work's stale profile.
        work.accounts = [Account("333333333333", "Prod", None, ("Admin",))]
        standin.accounts = [ACCOUNTS[0]]  # home loses Dev, but home is not synced now
        assert sync_cmd.run(["awssso.work"], prune=True, env=env) == 0
        assert set(generated(sandbox)) == names - {"awsprofile.work.prod.audit"}
        assert sync_cmd.run([HOME, "awssso.work"], prune=True, env=env) == 0
        assert set(generated(sandbox)) == names - {
            "awsprofile.work.prod.audit",
            "awsprofile.home.dev.poweruser",
        }
    err = capsys.readouterr().err
    assert "awssso.work: 1 accounts, 2 roles" in err


def test_throttling_is_retried_and_the_run_completes(sandbox: Sandbox, org: StandIn) -> None:
    org.accounts = [
        Account(f"{100000000000 + i:012d}", f"acct{i}", None, ("A", "B")) for i in range(12)
    ]
    org.page_size = 5
    org.throttle_every = 3
    result = sync(sandbox, HOME, "--concurrency", "4")
    assert result.returncode == 0, result.stderr
    assert org.count(error="TooManyRequestsException") >= 4
    assert "throttled and retried" in result.stderr
    assert len(generated(sandbox)) == 24


def test_dry_run_prints_a_diff_and_writes_nothing(sandbox: Sandbox, org: StandIn) -> None:
    before = sandbox.config.read_bytes()
    result = sync(sandbox, HOME, "--dry-run", "--prune")
    assert result.returncode == 0, result.stderr
    assert sandbox.config.read_bytes() == before
    assert result.stdout.startswith(f"--- {sandbox.config} (current)\n+++ {sandbox.config} (new)\n")
    assert "+[profile awsprofile.home.prod.readonly]\n" in result.stdout
    assert f"+{MARKER} = {HOME}\n" in result.stdout
    assert "dry run, nothing written: 3 added" in result.stderr
    # Nothing else may appear in the config folder either (no temporary files left).
    assert sorted(p.name for p in sandbox.config.parent.iterdir() if p.is_file()) == ["config"]


def test_template_option_and_invalid_templates(sandbox: Sandbox, org: StandIn) -> None:
    result = sync(sandbox, HOME, "--template", "{account_name}.{role_name}")
    assert result.returncode == 0, result.stderr
    assert set(generated(sandbox)) == {"dev.poweruser", "prod.administratoraccess", "prod.readonly"}
    org.reset_calls()
    result = sync(sandbox, HOME, "--template", "{account}.$(id)")
    assert result.returncode == 2
    assert "unknown placeholder {account}" in result.stderr
    assert org.counts() == {}  # rejected before any network call


def test_unknown_session_is_a_usage_error(sandbox: Sandbox, org: StandIn) -> None:
    result = sync(sandbox, "awssso.nope")
    assert result.returncode == 2
    assert "no [sso-session awssso.nope]" in result.stderr
    assert "awsswitch configure sso-session awssso.nope" in result.stderr
    assert org.counts() == {}


def test_refreshable_token_is_refreshed_first(sandbox: Sandbox, org: StandIn) -> None:
    write_token(sandbox, org, HOME, expires_in=60)  # 1 minute left: refresh due
    result = sync(sandbox, HOME)
    assert result.returncode == 0, result.stderr
    assert org.count("CreateToken", grantType="refresh_token") == 1
    assert len(generated(sandbox)) == 3


def test_login_needed_off_a_terminal_fails_clearly_and_writes_nothing(
    sandbox: Sandbox, org: StandIn
) -> None:
    token = write_token(sandbox, org, HOME, expires_in=-60, refresh_token=False)
    token.write_text(
        json.dumps(
            {
                k: v
                for k, v in json.loads(token.read_text()).items()
                if k in ("startUrl", "region", "accessToken", "expiresAt")
            }
        )
    )
    before = sandbox.config.read_bytes()
    result = sync(sandbox, HOME)
    assert result.returncode == 1
    assert "needs a login" in result.stderr
    # The advice fits sync: log in first (`asw --no-login` is the switch's way out).
    assert f"Run `awsswitch login --sso-session {HOME}` first." in result.stderr
    assert "--no-login" not in result.stderr
    assert sandbox.config.read_bytes() == before
    assert org.count("ListAccounts") == 0


def test_portal_error_messages_never_show_the_token(sandbox: Sandbox, org: StandIn) -> None:
    """A portal that echoes the request in its error: the token is redacted."""
    token = sandbox.sso_cache / (hashlib.sha1(HOME.encode()).hexdigest() + ".json")
    access = json.loads(token.read_text())["accessToken"]
    org.fail("ListAccounts", "InvalidRequestException", message=f"bad token {access}")
    result = sync(sandbox, HOME)
    assert result.returncode == 1
    assert "ListAccounts failed: InvalidRequestException" in result.stderr
    assert access not in result.stderr and "[redacted]" in result.stderr


@pytest.mark.parametrize(
    ("args", "config", "message"),
    [
        (["--region", "eu-west-1a"], None, "availability zone; its region is eu-west-1"),
        (["--region", "EU-WEST-1"], None, "lower case"),
        ([], "sso_region = moon-1", "sso_region 'moon-1' of [sso-session awssso.home]"),
    ],
)
def test_regions_follow_the_one_rule(
    sandbox: Sandbox, org: StandIn, args: list[str], config: str | None, message: str
) -> None:
    if config is not None:
        sandbox.write_config(USER_CONFIG.replace("sso_region = eu-west-1", config))
    result = sync(sandbox, HOME, *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert org.counts() == {}


def test_token_rejected_by_the_portal(sandbox: Sandbox, org: StandIn) -> None:
    token = sandbox.sso_cache / (hashlib.sha1(HOME.encode()).hexdigest() + ".json")
    entry = json.loads(token.read_text())
    entry["accessToken"] = "revoked"
    token.write_text(json.dumps(entry))
    before = sandbox.config.read_bytes()
    result = sync(sandbox, HOME)
    assert result.returncode == 1
    assert "rejected the token" in result.stderr
    assert f"awsswitch login --sso-session {HOME} --force" in result.stderr
    assert sandbox.config.read_bytes() == before


def test_removal_asks_for_confirmation_on_a_terminal(sandbox: Sandbox, org: StandIn) -> None:
    pexpect = pytest.importorskip("pexpect")
    assert sync(sandbox, HOME).returncode == 0
    org.accounts = [ACCOUNTS[0]]
    before = sandbox.config.read_bytes()
    argv = ["-m", "awsswitch", "sync", HOME, "--prune"]
    child = pexpect.spawn(sys.executable, argv, env=sandbox.env, encoding="utf-8", timeout=60)
    child.expect(r"would remove 1 profile")
    child.expect(r"awsprofile\.home\.dev\.poweruser \(no longer granted\)")
    child.expect(r"\[y/N\] ")
    child.sendline("n")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    assert sandbox.config.read_bytes() == before

    child = pexpect.spawn(sys.executable, argv, env=sandbox.env, encoding="utf-8", timeout=60)
    child.expect(r"\[y/N\] ")
    child.sendline("y")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "awsprofile.home.dev.poweruser" not in generated(sandbox)


@pytest.mark.slow
def test_aws_cli_v2_lists_and_reads_the_generated_profiles(
    sandbox: Sandbox, org: StandIn, aws_v2: str
) -> None:
    org.accounts = HOSTILE[:1] + ACCOUNTS
    assert sync(sandbox, HOME).returncode == 0
    env = {**sandbox.env, "AWS_DATA_PATH": org.cli_data_path()}
    listed = subprocess.run(
        [aws_v2, "configure", "list-profiles"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert listed.returncode == 0, listed.stderr
    names = listed.stdout.split()
    for name in generated(sandbox):
        assert name in names
    got = subprocess.run(
        [aws_v2, "configure", "get", "sso_account_id", "--profile", "awsprofile.home.id.admin"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert got.returncode == 0, got.stderr
    assert got.stdout.strip() == "333333333333"
    # And the SDK path end to end: the CLI turns the generated profile into role credentials.
    creds = subprocess.run(
        [
            aws_v2,
            "configure",
            "export-credentials",
            "--profile",
            "awsprofile.home.prod.readonly",
            "--format",
            "process",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert creds.returncode == 0, creds.stderr
    assert json.loads(creds.stdout)["AccessKeyId"].startswith("ASIA")


def test_progress_on_a_terminal_and_ctrl_c_writes_nothing(sandbox: Sandbox, org: StandIn) -> None:
    pexpect = pytest.importorskip("pexpect")
    org.accounts = [
        Account(f"{100000000000 + i:012d}", f"acct{i}", None, ("Admin",)) for i in range(300)
    ]
    org.latency = 0.02
    before = sandbox.config.read_bytes()
    argv = ["-m", "awsswitch", "sync", HOME, "--concurrency", "1"]
    child = pexpect.spawn(sys.executable, argv, env=sandbox.env, encoding="utf-8", timeout=60)
    child.expect(r"listing roles: \d+/300 accounts, \d+ roles")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "Traceback" not in child.before
    assert sandbox.config.read_bytes() == before

"""`awsswitch configure sso-session|profile` off a terminal (flags, errors) and the seed flow
read back by the real AWS CLI v2."""

from __future__ import annotations

import os
import re
import subprocess
from typing import Any

import botocore.configloader
import pytest

SEED_URL = "https://a-123abc456sdf.awsapps.com/start/"
SEED_SESSION = ["configure", "sso-session", "awssso.home", "--start-url", SEED_URL, "--region",
                "eu-west-1"]  # fmt: skip
SEED_PROFILE = ["configure", "profile", "awsprofile.home.poweruser", "--sso-session",
                "awssso.home", "--account-id", "123412341234", "--role-name", "PowerUserAccess",
                "--region", "eu-west-1"]  # fmt: skip
SEED_TEXT = (
    "[sso-session awssso.home]\n"
    f"sso_start_url = {SEED_URL}\n"
    "sso_region = eu-west-1\n"
    "sso_registration_scopes = sso:account:access\n"
    "\n"
    "[profile awsprofile.home.poweruser]\n"
    "sso_session = awssso.home\n"
    "sso_account_id = 123412341234\n"
    "sso_role_name = PowerUserAccess\n"
    "region = eu-west-1\n"
)


def run(sandbox: Any, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return sandbox.run(*args, input="", **env)  # stdin is not a terminal


def test_seed_flow_writes_exactly_the_cli_layout(sandbox: Any) -> None:
    assert not sandbox.config.exists()
    r1 = run(sandbox, *SEED_SESSION)
    r2 = run(sandbox, *SEED_PROFILE)
    assert (r1.returncode, r2.returncode) == (0, 0), r1.stderr + r2.stderr
    assert r1.stdout == r2.stdout == ""
    assert "Created [sso-session awssso.home]" in r1.stderr
    assert "Created [profile awsprofile.home.poweruser]" in r2.stderr
    assert sandbox.config.read_text() == SEED_TEXT
    assert (sandbox.config.stat().st_mode & 0o777) == 0o600
    # Running it again changes nothing, not even the inode.
    inode = sandbox.config.stat().st_ino
    r3 = run(sandbox, *SEED_PROFILE)
    assert r3.returncode == 0 and "nothing changed" in r3.stderr
    assert sandbox.config.stat().st_ino == inode


def test_update_touches_only_the_changed_lines(sandbox: Any) -> None:
    original = "# my notes\n" + SEED_TEXT.replace(
        "sso_region = eu-west-1\n", "sso_region = eu-west-1  \n# keep\n"
    )
    sandbox.write_config(original)
    r = run(sandbox, "configure", "sso-session", "awssso.home", "--region", "us-east-1")
    assert r.returncode == 0, r.stderr
    assert "Updated [sso-session awssso.home]" in r.stderr
    assert sandbox.config.read_text() == original.replace(
        "sso_region = eu-west-1  \n", "sso_region = us-east-1\n"
    )


def test_scopes_flag(sandbox: Any) -> None:
    r = run(sandbox, *SEED_SESSION, "--scopes", "sso:account:access, codewhisperer:completions")
    assert r.returncode == 0, r.stderr
    session = botocore.configloader.load_config(str(sandbox.config))["sso_sessions"]["awssso.home"]
    assert session["sso_registration_scopes"] == "sso:account:access,codewhisperer:completions"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["configure", "sso-session", "s"],
            "awsswitch: a new sso-session needs --start-url and --region "
            "(not on a terminal, so awsswitch cannot ask for them)\n",
        ),
        (
            ["configure", "sso-session", "s", "--region", "eu-west-1"],
            "awsswitch: a new sso-session needs --start-url "
            "(not on a terminal, so awsswitch cannot ask for it)\n",
        ),
        (
            ["configure", "profile", "p"],
            "awsswitch: a new profile needs --sso-session, --account-id and --role-name "
            "(not on a terminal, so awsswitch cannot ask for them)\n",
        ),
        (
            ["configure", "profile", "p", "--sso-session", "s", "--account-id", "123412341234"],
            "awsswitch: a new profile needs --role-name "
            "(not on a terminal, so awsswitch cannot ask for it)\n",
        ),
    ],
)
def test_missing_values_off_a_terminal_are_errors(
    sandbox: Any, args: list[str], message: str
) -> None:
    r = run(sandbox, *args)
    assert r.returncode == 2
    assert r.stderr == message
    assert r.stdout == ""
    assert not sandbox.config.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["configure", "sso-session", "s", "--start-url", "http://x", "--region", "eu-west-1"],
         "invalid SSO start URL 'http://x': it must start with https://"),
        (["configure", "sso-session", "s", "--start-url", SEED_URL, "--region", "europe"],
         "invalid SSO region 'europe'"),
        (["configure", "sso-session", "s]", "--start-url", SEED_URL, "--region", "eu-west-1"],
         "invalid sso-session name 's]'"),
        (["configure", "sso-session", "s", "--start-url", SEED_URL, "--region", "eu-west-1",
          "--scopes", "a b"], "invalid registration scopes"),
        (["configure", "profile", "p", "--account-id", "1234"],
         "invalid account id '1234': an AWS account id has exactly 12 digits, this has 4"),
        (["configure", "profile", "p", "--role-name", "a b"], "invalid role name 'a b'"),
        (["configure", "profile", "p", "--output", "xml"], "invalid output format 'xml'"),
        (["configure", "profile", " p"], "invalid profile name ' p'"),
        (["configure", "profile", "p", "--sso-session", "x\ty"], "invalid sso-session name"),
    ],
)  # fmt: skip
def test_invalid_values_are_usage_errors(sandbox: Any, args: list[str], message: str) -> None:
    r = run(sandbox, *args)
    assert r.returncode == 2
    assert message in r.stderr
    assert "Traceback" not in r.stderr
    assert not sandbox.config.exists()


def test_profile_name_defaults_like_aws_configure_set(sandbox: Any) -> None:
    sandbox.write_config(SEED_TEXT)
    args = ["configure", "profile", "--region", "us-east-2"]
    assert run(sandbox, *args, AWS_PROFILE="awsprofile.home.poweruser").returncode == 0
    r = run(sandbox, *args, AWS_DEFAULT_PROFILE="fromdefault", AWS_PROFILE="")
    assert r.returncode == 2 and "a new profile needs --sso-session" in r.stderr
    config = botocore.configloader.load_config(str(sandbox.config))
    assert config["profiles"]["awsprofile.home.poweruser"]["region"] == "us-east-2"


def test_default_writes_the_default_section(sandbox: Any) -> None:
    sandbox.write_config(SEED_TEXT)
    r = run(
        sandbox, "configure", "profile", "default", "--sso-session", "awssso.home",
        "--account-id", "111122223333", "--role-name", "ReadOnly", "--output", "json",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert sandbox.config.read_text() == SEED_TEXT + (
        "\n[default]\nsso_session = awssso.home\nsso_account_id = 111122223333\n"
        "sso_role_name = ReadOnly\noutput = json\n"
    )
    # With no NAME and no AWS_PROFILE, like `aws configure set`, it is `default` too.
    r = run(sandbox, "configure", "profile", "--region", "ap-south-1")
    assert r.returncode == 0, r.stderr
    assert (
        botocore.configloader.load_config(str(sandbox.config))["profiles"]["default"]["region"]
        == "ap-south-1"
    )


def test_unknown_sso_session_warns_but_writes(sandbox: Any) -> None:
    r = run(
        sandbox, "configure", "profile", "p", "--sso-session", "nosuch", "--account-id",
        "123412341234", "--role-name", "R",
    )  # fmt: skip
    assert r.returncode == 0
    assert "warning: there is no [sso-session nosuch]" in r.stderr
    assert "awsswitch configure sso-session nosuch" in r.stderr
    assert "sso_session = nosuch" in sandbox.config.read_text()


def test_non_sso_profile_gets_only_region_and_output(sandbox: Any) -> None:
    sandbox.write_config("[profile keys]\naws_access_key_id = AKIA\n")
    r = run(sandbox, "configure", "profile", "keys", "--region", "eu-west-3")
    assert r.returncode == 0, r.stderr
    assert sandbox.config.read_text() == (
        "[profile keys]\naws_access_key_id = AKIA\nregion = eu-west-3\n"
    )
    r = run(sandbox, "configure", "profile", "keys")
    assert r.returncode == 2
    assert r.stderr.startswith("awsswitch: nothing to change in [profile keys]: give --region")


def test_names_with_spaces_are_quoted_like_the_aws_cli(sandbox: Any) -> None:
    r = run(sandbox, "configure", "sso-session", "my corp", "--start-url", SEED_URL,
            "--region", "eu-west-1")  # fmt: skip
    assert r.returncode == 0, r.stderr
    r = run(sandbox, "configure", "profile", "my prof", "--sso-session", "my corp",
            "--account-id", "123412341234", "--role-name", "R")  # fmt: skip
    assert r.returncode == 0, r.stderr
    text = sandbox.config.read_text()
    assert "[sso-session 'my corp']" in text and "[profile 'my prof']" in text
    config = botocore.configloader.load_config(str(sandbox.config))
    assert config["profiles"]["my prof"]["sso_session"] == "my corp"
    assert "my corp" in config["sso_sessions"]


def test_unparseable_config_is_refused_and_untouched(sandbox: Any) -> None:
    bad = "[profile a]\nregion = x\nregion = y\n"
    sandbox.write_config(bad)
    r = run(sandbox, *SEED_SESSION)
    assert r.returncode == 1
    assert re.search(r"cannot parse .*config, line 3: option 'region' appears twice", r.stderr)
    assert "Traceback" not in r.stderr
    assert sandbox.config.read_text() == bad


def test_help_texts(sandbox: Any) -> None:
    for args in (["configure", "--help"], ["configure", "sso-session", "--help"],
                 ["configure", "profile", "--help"], ["list", "--help"]):  # fmt: skip
        r = sandbox.run(*args)
        assert r.returncode == 0, r.stderr
        assert "Usage:" in r.stdout
    r = sandbox.run("configure", "sso-session", "--help")
    for flag in ("--start-url", "--region", "--scopes"):
        assert flag in r.stdout


# -- acceptance: the real AWS CLI v2 reads it back -------------------------------------------


@pytest.mark.slow
def test_seed_walkthrough_read_back_by_aws_cli_v2(sandbox: Any, aws_v2: str) -> None:
    import pexpect

    home = sandbox.home
    for child in home.iterdir():  # an empty HOME
        subprocess.run(["rm", "-rf", str(child)], check=True)
    files = ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE")  # the defaults under HOME
    env = {k: v for k, v in sandbox.env.items() if k not in files}
    for args in (SEED_SESSION, SEED_PROFILE):
        r = subprocess.run(["awsswitch", *args], env=env, capture_output=True, text=True,
                           input="", timeout=60)  # fmt: skip
        assert r.returncode == 0, r.stderr
    assert (home / ".aws" / "config").read_text() == SEED_TEXT

    def aws(*args: str) -> str:
        r = subprocess.run([aws_v2, *args], env=env, capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr
        return r.stdout.strip()

    assert aws("configure", "list-profiles").splitlines() == ["awsprofile.home.poweruser"]
    prof = "awsprofile.home.poweruser"
    for key, value in (
        ("sso_session", "awssso.home"),
        ("sso_account_id", "123412341234"),
        ("sso_role_name", "PowerUserAccess"),
        ("region", "eu-west-1"),
    ):
        assert aws("configure", "get", key, "--profile", prof) == value
    # The CLI has no `configure get` for sso-session keys; `aws configure sso-session` shows
    # the values it read as the defaults of its prompts. Ctrl-C leaves without writing.
    child = pexpect.spawn(aws_v2, ["configure", "sso-session"], env={**env, "TERM": "dumb"},
                          encoding="utf-8", timeout=30)  # fmt: skip
    try:
        child.expect("SSO session name")
        child.sendline("awssso.home")
        seen = {}
        for label in ("SSO start URL", "SSO region", "SSO registration scopes"):
            child.expect(re.escape(label) + r" \[([^\]\x1b]*)\]")
            seen[label] = child.match.group(1)
            if label != "SSO registration scopes":
                child.sendline("")
        child.sendcontrol("c")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert seen == {
        "SSO start URL": SEED_URL,
        "SSO region": "eu-west-1",
        "SSO registration scopes": "sso:account:access",
    }
    assert (home / ".aws" / "config").read_text() == SEED_TEXT
    # The profile resolves its sso-session: the CLI asks for the token of `awssso.home`.
    r = subprocess.run([aws_v2, "configure", "export-credentials", "--profile", prof], env=env,
                       capture_output=True, text=True, timeout=60)  # fmt: skip
    assert r.returncode != 0
    assert "Token for awssso.home does not exist" in r.stderr
    assert os.listdir(home / ".aws") == ["config"]


LEGACY = (
    "[profile legacy]\nsso_start_url = https://l.awsapps.com/start\nsso_region = us-east-1\n"
    "sso_account_id = 111111111111\nsso_role_name = Dev\n"
)


@pytest.mark.parametrize(
    ("existing", "args", "added"),
    [
        ("[default]\nregion = us-east-1\n", ["default", "--output", "json"], "output = json\n"),
        ("[profile bearer]\nsso_session = s\n", ["bearer", "--region", "eu-west-1"],
         "region = eu-west-1\n"),
        (LEGACY, ["legacy", "--region", "eu-west-1"], "region = eu-west-1\n"),
    ],
)  # fmt: skip
def test_existing_profiles_get_just_what_is_given(
    sandbox: Any, existing: str, args: list[str], added: str
) -> None:
    sandbox.write_config(existing)
    r = run(sandbox, "configure", "profile", *args)
    assert r.returncode == 0, r.stderr
    assert sandbox.config.read_text() == existing + added


def test_sso_flags_on_a_non_sso_profile_need_all_three(sandbox: Any) -> None:
    sandbox.write_config("[profile keys]\naws_access_key_id = A\n")
    r = run(sandbox, "configure", "profile", "keys", "--account-id", "123412341234")
    assert r.returncode == 2
    assert r.stderr == (
        "awsswitch: [profile keys] needs --sso-session and --role-name to become an SSO profile "
        "(not on a terminal, so awsswitch cannot ask for them)\n"
    )
    assert sandbox.config.read_text() == "[profile keys]\naws_access_key_id = A\n"

"""`configure` on a terminal: prompts driven through a pty with pexpect."""

from __future__ import annotations

import shlex
import sys
from typing import Any

import botocore.configloader
import pexpect
import pytest

URL = "https://d-1234567890.awsapps.com/start"


def spawn(sandbox: Any, *args: str, stdout_to: str | None = None) -> pexpect.spawn:
    cmd = " ".join(shlex.quote(a) for a in [sys.executable, "-m", "awsswitch", *args])
    if stdout_to:
        cmd += f" > {shlex.quote(stdout_to)}"  # stdout off the pty: prompts must not go there
    return pexpect.spawn(
        "/bin/sh", ["-c", cmd], env=sandbox.env, encoding="utf-8", timeout=30, dimensions=(40, 200)
    )


def finish(child: pexpect.spawn) -> int:
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus if child.exitstatus is not None else 128 + (child.signalstatus or 0)


def config(sandbox: Any) -> dict[str, Any]:
    return botocore.configloader.load_config(str(sandbox.config))


def test_new_sso_session_prompts_for_everything(sandbox: Any) -> None:
    out = sandbox.home / "stdout.txt"
    child = spawn(sandbox, "configure", "sso-session", "corp", stdout_to=str(out))
    child.expect_exact("SSO start URL: ")
    child.sendline("http://not-https")
    child.expect_exact("it must start with https://")
    child.expect_exact("SSO start URL: ")
    child.sendline(URL)
    child.expect_exact("SSO region: ")
    child.sendline("")  # required: asked again
    child.expect_exact("a value is required")
    child.expect_exact("SSO region: ")
    child.sendline("us-east-1")
    child.expect_exact("SSO registration scopes [sso:account:access]: ")
    child.sendline("")
    child.expect_exact("Created [sso-session corp]")
    assert finish(child) == 0
    assert out.read_text() == ""
    assert config(sandbox)["sso_sessions"]["corp"] == {
        "sso_start_url": URL,
        "sso_region": "us-east-1",
        "sso_registration_scopes": "sso:account:access",
    }


def test_existing_values_are_the_defaults_and_flags_are_not_asked(sandbox: Any) -> None:
    original = (
        "# keep me\n[sso-session corp]\nsso_start_url = " + URL + "\nsso_region = us-east-1\n"
        "sso_registration_scopes = sso:account:access\n"
    )
    sandbox.write_config(original)
    child = spawn(sandbox, "configure", "sso-session", "corp", "--region", "eu-west-1")
    child.expect_exact(f"SSO start URL [{URL}]: ")
    child.sendline("")
    child.expect_exact("SSO registration scopes [sso:account:access]: ")
    child.sendline("")
    child.expect_exact("Updated [sso-session corp]")
    assert "SSO region" not in child.before
    assert finish(child) == 0
    assert sandbox.config.read_text() == original.replace("us-east-1", "eu-west-1")


def test_profile_prompts_offer_sessions_and_region(sandbox: Any) -> None:
    sandbox.write_config(
        f"[sso-session awssso.home]\nsso_start_url = {URL}\nsso_region = eu-west-1\n"
    )
    child = spawn(sandbox, "configure", "profile", "awsprofile.home.poweruser")
    child.expect_exact("Known sso-sessions: awssso.home")
    child.expect_exact("SSO session name [awssso.home]: ")
    child.sendline("")
    child.expect_exact("SSO account ID: ")
    child.sendline("1234-1234-1234")
    child.expect_exact("write it as 12 digits without separators: 123412341234")
    child.expect_exact("SSO account ID: ")
    child.sendline("123412341234")
    child.expect_exact("SSO role name: ")
    child.sendline("PowerUserAccess")
    child.expect_exact("Default client Region [eu-west-1]: ")
    child.sendline("")
    child.expect_exact("CLI default output format (json if not specified): ")
    child.sendline("")
    child.expect_exact("Created [profile awsprofile.home.poweruser]")
    assert finish(child) == 0
    assert config(sandbox)["profiles"]["awsprofile.home.poweruser"] == {
        "sso_session": "awssso.home",
        "sso_account_id": "123412341234",
        "sso_role_name": "PowerUserAccess",
        "region": "eu-west-1",
    }


def test_profile_name_is_asked_when_nothing_names_it(sandbox: Any) -> None:
    sandbox.write_config("[profile keys]\naws_access_key_id = A\n")
    child = spawn(sandbox, "configure", "profile", "--region", "eu-north-1", "--output", "json")
    child.expect_exact("Profile name [default]: ")
    child.sendline("keys")
    child.expect_exact("Updated [profile keys]")
    assert finish(child) == 0
    assert config(sandbox)["profiles"]["keys"]["region"] == "eu-north-1"


def test_unknown_session_typed_at_the_prompt_warns(sandbox: Any) -> None:
    child = spawn(sandbox, "configure", "profile", "p", "--account-id", "123412341234",
                  "--role-name", "R", "--region", "eu-west-1", "--output", "json")  # fmt: skip
    child.expect_exact("SSO session name: ")
    child.sendline("later")
    child.expect_exact("warning: there is no [sso-session later]")
    child.expect_exact("Created [profile p]")
    assert finish(child) == 0


@pytest.mark.parametrize("how", ["eof", "ctrl-c"])
def test_abandoning_a_prompt_writes_nothing(sandbox: Any, how: str) -> None:
    sandbox.write_config("# untouched\n")
    child = spawn(sandbox, "configure", "sso-session", "corp")
    child.expect_exact("SSO start URL: ")
    child.sendline(URL)
    child.expect_exact("SSO region: ")
    if how == "eof":
        child.sendeof()
        child.expect_exact("no answer (end of input); nothing was changed")
        assert finish(child) == 1
    else:
        child.sendintr()
        assert finish(child) == 130
    assert "Traceback" not in (child.before or "")
    assert sandbox.config.read_text() == "# untouched\n"

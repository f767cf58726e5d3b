"""`configure` driven in-process through an Environment: its streams, its variables, its
terminal-ness; and the messages for what is missing or refused."""

from __future__ import annotations

import io
from typing import Any

import botocore.configloader
import pytest

from awsswitch.commands import configure
from awsswitch.context import Environment
from awsswitch.errors import UsageError

URL = "https://d-1234567890.awsapps.com/start"
NOT_A_TTY = "not on a terminal, so awsswitch cannot ask for"


def _ctx(sandbox: Any, answers: str | None = None) -> tuple[Environment, io.StringIO]:
    """A terminal when `answers` is given (typed lines), else a script's pipes."""
    err = io.StringIO()
    tty = answers is not None
    ctx = Environment(
        sandbox.env,
        stdin=io.StringIO(answers or ""),
        stdout=io.StringIO(),
        stderr=err,
        stdin_isatty=tty,
        stderr_isatty=tty,
    )
    return ctx, err


def test_prompts_read_and_write_the_environment_streams(sandbox: Any) -> None:
    ctx, err = _ctx(sandbox, f"{URL}\nnowhere\neu-west-1a\neu-west-1\n\n")
    configure.sso_session("corp", ctx=ctx)
    # The answers are not echoed (no terminal does it here): each prompt follows the last.
    assert err.getvalue().splitlines()[:3] == [
        "SSO start URL: SSO region:   not an AWS region name "
        "(e.g. eu-west-1, us-gov-west-1 or cn-north-1)",
        "SSO region:   that is an availability zone; its region is eu-west-1",
        "SSO region: SSO registration scopes [sso:account:access]: Created [sso-session corp] "
        f"in {sandbox.config} (sso_start_url, sso_region, sso_registration_scopes).",
    ]
    assert ctx.stdout.getvalue() == ""
    session = botocore.configloader.load_config(str(sandbox.config))["sso_sessions"]["corp"]
    assert session["sso_region"] == "eu-west-1"


def test_the_environment_variables_are_the_ones_used(sandbox: Any, tmp_path: Any) -> None:
    other = tmp_path / "other-config"
    env = {**sandbox.env, "AWS_CONFIG_FILE": str(other), "AWS_PROFILE": "picked"}
    ctx = Environment(env, stderr=io.StringIO(), stdin_isatty=False, stderr_isatty=False)
    configure.profile(
        sso_session="corp", account_id="123412341234", role_name="R", region="us-gov-west-1",
        ctx=ctx,
    )  # fmt: skip
    assert not sandbox.config.exists()
    assert botocore.configloader.load_config(str(other))["profiles"]["picked"] == {
        "sso_session": "corp",
        "sso_account_id": "123412341234",
        "sso_role_name": "R",
        "region": "us-gov-west-1",
    }


def test_answering_nothing_on_a_terminal_changes_nothing(sandbox: Any) -> None:
    original = "[profile keys]\naws_access_key_id = A\n"
    sandbox.write_config(original)
    ctx, err = _ctx(sandbox, "\n\n")  # Enter at the region and output prompts
    configure.profile("keys", ctx=ctx)
    assert err.getvalue().endswith("[profile keys]: no value given; nothing changed.\n")
    assert sandbox.config.read_text() == original


@pytest.mark.parametrize(
    ("config", "call", "message"),
    [
        (
            f"[sso-session corp]\nsso_start_url = {URL}\n",
            lambda ctx: configure.sso_session("corp", scopes="sso:account:access", ctx=ctx),
            f"[sso-session corp] needs --region (it has no sso_region yet; {NOT_A_TTY} it)",
        ),
        (
            "[profile p]\nsso_session = corp\nsso_account_id = 123412341234\n",
            lambda ctx: configure.profile("p", region="eu-west-1", ctx=ctx),
            "[profile p] needs --role-name (it is an SSO profile without sso_role_name; "
            f"{NOT_A_TTY} it)",
        ),
        (
            "[profile p]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = R\n",
            lambda ctx: configure.profile("p", ctx=ctx),
            "nothing to change in [profile p]: give --sso-session, --account-id, --role-name, "
            "--region or --output",
        ),
        (
            "",
            lambda ctx: configure.profile("p", region="nowhere", ctx=ctx),
            "invalid region 'nowhere': not an AWS region name "
            "(e.g. eu-west-1, us-gov-west-1 or cn-north-1)",
        ),
        (
            "",
            lambda ctx: configure.sso_session("s", start_url=URL, region="EU-WEST-1", ctx=ctx),
            "invalid SSO region 'EU-WEST-1': region names are lower case (eu-west-1)",
        ),
    ],
)
def test_messages_say_what_is_missing_and_why(
    sandbox: Any, config: str, call: Any, message: str
) -> None:
    sandbox.write_config(config)
    ctx, err = _ctx(sandbox)
    with pytest.raises(UsageError) as info:
        call(ctx)
    assert info.value.message == message
    assert err.getvalue() == ""
    assert sandbox.config.read_text() == config

"""`awsswitch export` as a command: arguments, the default profile ($AWS_PROFILE), exact or
short names only, exit statuses, and output only on stdout."""

from __future__ import annotations

import io
from typing import Any

import pytest
from credhelp import export

from awsswitch.commands import export as export_cmd
from awsswitch.context import Environment
from awsswitch.credentials import formats
from awsswitch.errors import UsageError

pytestmark = pytest.mark.usefixtures("cred_config")

_KEYS = "export AWS_ACCESS_KEY_ID=AKIAEXAMPLE\nexport AWS_SECRET_ACCESS_KEY=secret\n"


def test_parse() -> None:
    opts = export_cmd.parse(["p", "--format", "fish"])
    assert (opts.profile, opts.format) == ("p", "fish")
    opts = export_cmd.parse(["--format=dotenv", "--", "-odd-name"])
    assert (opts.profile, opts.format) == ("-odd-name", "dotenv")
    assert export_cmd.parse([]).format == formats.DEFAULT == "env"
    assert export_cmd.parse(["-f", "process"]).format == "process"
    for bad in (["--format"], ["--format", "yaml"], ["--bogus"], ["a", "b"]):
        with pytest.raises(UsageError):
            export_cmd.parse(bad)


def test_default_profile_is_aws_profile(sandbox: Any) -> None:
    out = export(sandbox, env={"AWS_PROFILE": "keys"})
    assert (out.returncode, out.stdout, out.stderr) == (0, _KEYS, "")


def test_no_profile_at_all(sandbox: Any) -> None:
    out = export(sandbox)
    assert out.returncode == 2
    assert "AWS_PROFILE is not set" in out.stderr
    assert out.stdout == ""


def test_unknown_and_fuzzy_names_are_refused(sandbox: Any) -> None:
    out = export(sandbox, "nosuch")
    assert out.returncode == 2 and "could not be found" in out.stderr
    # `asw` would take a unique fuzzy match; a credential_process line must not drift.
    out = export(sandbox, "ke")
    assert out.returncode == 2 and "did you mean: keys" in out.stderr
    assert out.stdout == ""


def test_short_name_is_accepted(sandbox: Any) -> None:
    with sandbox.config.open("a") as fh:
        fh.write(
            "\n[profile corp.dev.keys2]\naws_access_key_id = AKIA2\naws_secret_access_key = s2\n"
        )
    out = export(sandbox, "dev.keys2", "--format", "env-no-export")
    assert out.returncode == 0, out.stderr
    assert out.stdout == "AWS_ACCESS_KEY_ID=AKIA2\nAWS_SECRET_ACCESS_KEY=s2\n"


def test_help(sandbox: Any) -> None:
    out = export(sandbox, "--help")
    assert out.returncode == 0
    assert out.stdout.startswith("usage: awsswitch export")
    for fmt in formats.FORMATS:
        assert fmt in out.stdout


def test_run_in_process_writes_only_stdout(sandbox: Any) -> None:
    stdout, stderr = io.StringIO(), io.StringIO()
    ctx = Environment(sandbox.env, stdout=stdout, stderr=stderr)
    assert export_cmd.run(["keys"], ctx) == 0
    assert stdout.getvalue() == _KEYS
    assert stderr.getvalue() == ""
    assert export_cmd.run(["plain"], ctx) == 1
    assert stdout.getvalue() == _KEYS  # nothing more
    assert stderr.getvalue().startswith("awsswitch: profile plain has no credentials")

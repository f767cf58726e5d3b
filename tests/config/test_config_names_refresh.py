"""Writing the config keeps the completion names file current (TAB stays process-free)."""

from __future__ import annotations

import os

from awsswitch.config import names


def test_configure_refreshes_completion_names(sandbox) -> None:
    sandbox.write_config("[profile old.one.x]\nregion = eu-west-1\n")
    names.refresh(sandbox.env)
    result = sandbox.run(
        "configure",
        "profile",
        "awsprofile.home.poweruser",
        "--sso-session",
        "awssso.home",
        "--account-id",
        "123412341234",
        "--role-name",
        "PowerUserAccess",
    )
    assert result.returncode == 0, result.stderr
    path = names.names_file(sandbox.env)
    with open(path, encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    assert "pawsprofile.home.poweruser" in lines
    assert "shome.poweruser" in lines
    assert "pold.one.x" in lines
    assert names.is_fresh(sandbox.env, names.stamp(sandbox.env))
    assert os.path.getmtime(path) >= os.path.getmtime(sandbox.config)

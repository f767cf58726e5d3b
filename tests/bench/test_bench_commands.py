"""The credentials and everyday groups are registered and give a figure for every row in a
very quick run (no timing is asserted: figures belong to the bench report)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"

AWSSWITCH_ROWS = {
    "credentials.export.warm",
    "credentials.export.cold",
    "credentials.exec.direct",
    "credentials.exec.profile",
    "credentials.exec.env",
    "credentials.exec.server",
    "credentials.server.get",
    "everyday.list.empty",
    "everyday.status.empty",
    "everyday.list.10",
    "everyday.status.10",
    "everyday.asw-l.10",
    "everyday.list.typer",
}
AWS_CLI_ROWS = {"credentials.aws.warm", "credentials.aws.cold"}


def test_groups_are_registered(monkeypatch: Any) -> None:
    monkeypatch.syspath_prepend(str(BENCH))
    import report
    import run

    assert run.GROUPS["credentials"][0].__name__ == "credentials"
    assert run.GROUPS["everyday"][0].__name__ == "everyday"
    assert {"credentials", "everyday"} <= set(report.GROUP_TITLES)


@pytest.mark.slow
def test_quick_run_gives_every_row_a_figure(tmp_path: Path, sandbox: Any) -> None:
    out = tmp_path / "results"
    argv = [sys.executable, str(BENCH / "run.py"), "--quick", "--only", "credentials,everyday"]
    argv += ["--sizes", "10", "--no-install", "--python", "system", "--out", str(out)]
    proc = subprocess.run(argv, env=sandbox.env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    rows = {r["id"]: r for r in json.loads((out / "report.json").read_text())["rows"]}
    for row_id in AWSSWITCH_ROWS:
        row = rows[row_id]
        assert row["status"] != "n/a", (row_id, row["note"])
        assert row["median_ms"] > 0 and row["n"] > 0, row
    for row_id in AWS_CLI_ROWS:  # a figure when the CLI v2 is there, else n/a saying why
        row = rows[row_id]
        if os.access("/usr/bin/aws", os.X_OK):
            assert row["status"] != "n/a" and row["median_ms"] > 0, (row_id, row["note"])
        else:
            assert row["status"] == "n/a" and "not installed" in row["note"]
    assert rows["credentials.export.cold"]["extra"]["GetRoleCredentials"] > 0
    assert rows["credentials.export.warm"]["extra"]["GetRoleCredentials"] == 0
    assert rows["credentials.export.warm"]["budget"] and rows["everyday.list.10"]["budget"]
    markdown = (out / "report.md").read_text(encoding="utf-8")
    assert "`awsswitch export`, warm" in markdown and "Everyday commands" in markdown

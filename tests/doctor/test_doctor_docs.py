"""docs/doctor.md stays true: its schema is the one the code checks reports against, and it
describes every finding id the code can report."""

from __future__ import annotations

import json
import re
from pathlib import Path

from awsswitch.doctor.schema import FINDING_IDS, SCHEMA, errors

DOC = Path(__file__).resolve().parents[2] / "docs" / "doctor.md"


def test_documented_schema_is_the_code_schema() -> None:
    blocks = re.findall(r"```json\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 1
    assert json.loads(blocks[0]) == SCHEMA


def test_every_finding_id_is_documented() -> None:
    section = DOC.read_text(encoding="utf-8").split("## What it checks", 1)[1].split("\n## ")[0]
    rows = re.findall(r"^\| (`[a-z0-9-]+`(?:, `[a-z0-9-]+`)*) \|", section, re.M)
    documented = {i.strip("`") for row in rows for i in row.split(", ")}
    assert documented == set(FINDING_IDS)


def test_checker_rejects_what_the_schema_forbids() -> None:
    good = {"problems": 1, "info": 0}
    summary = SCHEMA["properties"]["summary"]
    assert errors(good, summary) == []
    assert errors({"problems": True, "info": 0}, summary)  # a bool is not an integer
    assert errors({"problems": 1}, summary) == ["$: missing 'info'"]
    assert errors({**good, "extra": 1}, summary) == ["$: unexpected 'extra'"]
    finding = SCHEMA["properties"]["findings"]["items"]
    bad = {"id": "x", "severity": "fatal", "title": "t", "why": "w", "fix": None, "hint": None,
           "subject": None, "details": {"line": 3}}  # fmt: skip
    assert sorted(errors(bad, finding)) == [
        "$.details.line: int is not string",
        "$.severity: 'fatal' is not one of ['problem', 'info']",
    ]
    assert errors(None, SCHEMA["properties"]["sso"]) == []
    assert errors({"state": "fresh"}, SCHEMA["properties"]["sso"])

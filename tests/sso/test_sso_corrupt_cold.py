"""A corrupt token file read by a fresh interpreter (nothing has imported `json` yet, as on
every `asw`): the reader must classify it, not fail inside the C JSON scanner."""

from __future__ import annotations

import subprocess
import sys

import pytest

CORRUPT = ["{garbage", '{"a": [1, 2', "[1, 2]", "", "nul\x00", '{"accessToken": "x",}']


@pytest.mark.parametrize("text", CORRUPT, ids=repr)
def test_fresh_interpreter_classifies_corrupt_json(tmp_path, text: str) -> None:
    path = tmp_path / "token.json"
    path.write_text(text, encoding="utf-8")
    code = (
        "import sys\n"
        "from awsswitch.sso import state\n"
        "assert 'json' not in sys.modules\n"
        "token, why = state.load_json(sys.argv[1])\n"
        "print(token is None, why)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("True "), proc.stdout
    # Every input here is a file that exists: corrupt, never taken for a missing one.
    assert proc.stdout.startswith("True the cached token file is corrupt ("), proc.stdout

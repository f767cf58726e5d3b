"""Which modules an `awsswitch ...` run loads: the hot-path and everyday import tests run the
command in a child Python that dumps `sys.modules` at exit."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

# The list is taken before json is imported at exit (json loads re), so json and re count only
# when the command itself loaded them.
PROBE = r"""
import atexit, sys
out = sys.argv[1]
def _dump():
    loaded = sorted(sys.modules)
    import json
    with open(out, "w", encoding="utf-8") as fh:
        json.dump(loaded, fh)
atexit.register(_dump)
sys.argv = ["awsswitch", *sys.argv[2:]]
from awsswitch.__main__ import main
sys.exit(main())
"""


def probe(
    sandbox: Any, tmp_path: Path, *args: str, **env: str
) -> tuple[set[str], subprocess.CompletedProcess]:
    """(the modules `awsswitch ARGS` loaded, the finished process)."""
    out = tmp_path / f"modules-{abs(hash(args))}.json"
    out.unlink(missing_ok=True)
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, str(out), *args],
        env={**sandbox.env, **env},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert out.exists(), f"awsswitch {' '.join(args)} died before exit: {proc.stderr[-800:]}"
    return set(json.loads(out.read_text(encoding="utf-8"))), proc

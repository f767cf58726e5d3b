"""Fixtures for the doctor tests (helpers: doctorhelp)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from doctorhelp import World, make_world


@pytest.fixture
def world(sandbox: Any, tmp_path: Path) -> World:
    return make_world(sandbox, tmp_path)

"""The `standin` fixture: a stand-in with manual approval, exported to boto3."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from standin_helpers import point_at

from awsswitch.standin import StandIn


@pytest.fixture
def standin(monkeypatch: pytest.MonkeyPatch) -> Iterator[StandIn]:
    with StandIn(auto_approve_after=None) as s:
        yield point_at(s, monkeypatch)

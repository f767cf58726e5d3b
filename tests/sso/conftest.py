"""Fixtures for the SSO tests, registered once here (helpers: support.sso, pkce_helpers):
`sso_config`, `standin` and `visits` (the fake browser's log of visited URLs)."""

from __future__ import annotations

from pkce_helpers import visits_fixture
from support.sso import sso_config_fixture, standin_fixture

__all__ = ["sso_config_fixture", "standin_fixture", "visits_fixture"]

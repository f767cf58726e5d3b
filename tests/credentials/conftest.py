"""Fixtures for the credentials tests (helpers: credhelp, support.sso): `cred_config`,
`static_keys`, `sso_config` and `standin`."""

from __future__ import annotations

from credhelp import cred_config_fixture, static_keys_fixture
from support.sso import sso_config_fixture, standin_fixture

__all__ = ["cred_config_fixture", "sso_config_fixture", "standin_fixture", "static_keys_fixture"]

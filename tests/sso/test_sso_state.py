"""Token state, computed locally: cache names, date forms, classification, bad files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest
from support.sso import (
    CONFIG,
    CORP_KEY,
    LEGACY_URL,
    POWERUSER,
    iso,
    now,
    write_token,
)

from awsswitch.config.profiles import load_index
from awsswitch.errors import AwsswitchError
from awsswitch.sso import cache, state


def test_cache_keys_match_botocore() -> None:
    assert state.cache_key("corp", None) == CORP_KEY
    # Legacy: sha1 of the start URL exactly as written; a trailing slash changes it.
    import hashlib

    assert state.cache_key(None, LEGACY_URL) == hashlib.sha1(LEGACY_URL.encode()).hexdigest()
    assert state.cache_key(None, LEGACY_URL) != state.cache_key(None, LEGACY_URL.rstrip("/"))


def test_registration_keys_match_cli_2_9_19() -> None:
    url = "https://d-123.awsapps.com/start"
    key = cache.registration_key(url, "us-east-1", ["sso:account:access"], "corp")
    assert key == "394fa0df1cde5086b80bd1cdd4b45e359ceef9a2"
    assert cache.registration_key(url, "us-east-1", None, None) == (
        "334df8a025b4d748342a2fb4eaa316ea48c5576c"
    )


def test_cache_files_for_profiles(sso_config) -> None:
    index = load_index(os.environ)
    cache_dir = str(sso_config.sso_cache)
    corp = os.path.join(cache_dir, CORP_KEY + ".json")
    assert state.cache_file_for(index.by_name[POWERUSER], index) == corp
    # source_profile chain ends at the SSO profile: same session, same file
    assert state.cache_file_for(index.by_name["chained"], index) == corp
    legacy = state.cache_file_for(index.by_name["legacy"], index)
    assert legacy == os.path.join(cache_dir, state.cache_key(None, LEGACY_URL) + ".json")
    assert state.cache_file_for(index.by_name["keys"], index) is None


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-27T11:23:23Z",
        "2026-11-27T11:23:23+00:00",
        "2026-11-27T11:23:23.123Z",
        "2026-11-27T11:23:23.1234567+00:00",
        "2026-11-27T12:23:23+01:00",
        "2026-11-27T11:23:23",  # naive: taken as UTC
        "2026-11-27T11:23:23UTC".replace("UTC", "z"),
    ],
)
def test_parse_time_forms(text: str) -> None:
    parsed = state.parse_time(text)
    assert parsed is not None
    assert parsed.astimezone(timezone.utc).replace(microsecond=0) == datetime(
        2026, 11, 27, 11, 23, 23, tzinfo=timezone.utc
    )


@pytest.mark.parametrize("value", ["", "tomorrow", "2026-13-01T00:00:00Z", 12345, None, "2026."])
def test_parse_time_rejects_garbage(value: object) -> None:
    assert state.parse_time(value) is None


def _classify(**token: object) -> str:
    return state.classify(token)[0]


def test_classify_rules() -> None:
    t0 = now()
    base = {"accessToken": "a"}
    refresh = {
        "refreshToken": "r",
        "clientId": "c",
        "clientSecret": "s",
        "registrationExpiresAt": iso(t0 + timedelta(days=30)),
    }
    assert state.classify(None)[0] == state.LOGIN_NEEDED
    assert _classify(**base, expiresAt=iso(t0 + timedelta(hours=1))) == state.FRESH
    # 15 minutes is the line: more is fresh, 900 s or less is "refresh due"
    at_window = t0 + timedelta(seconds=900)
    assert state.classify({**base, "expiresAt": iso(at_window)}, t0)[0] != state.FRESH
    just_over = {**base, "expiresAt": iso(t0 + timedelta(seconds=902))}
    assert state.classify(just_over, t0)[0] == state.FRESH
    assert _classify(**base, **refresh, expiresAt=iso(t0 + timedelta(minutes=10))) == (
        state.REFRESHABLE
    )
    assert _classify(**base, **refresh, expiresAt=iso(t0 - timedelta(days=2))) == (
        state.REFRESHABLE
    )
    # expiring or expired without what a refresh needs: login
    assert _classify(**base, expiresAt=iso(t0 + timedelta(minutes=10))) == state.LOGIN_NEEDED
    assert _classify(**base, expiresAt=iso(t0 - timedelta(minutes=1))) == state.LOGIN_NEEDED
    for missing in refresh:
        partial = {k: v for k, v in refresh.items() if k != missing}
        assert _classify(**base, **partial, expiresAt=iso(t0)) == state.LOGIN_NEEDED, missing
    expired_reg = {**refresh, "registrationExpiresAt": iso(t0 - timedelta(seconds=1))}
    assert _classify(**base, **expired_reg, expiresAt=iso(t0)) == state.LOGIN_NEEDED
    # missing fields
    assert _classify(expiresAt=iso(t0 + timedelta(hours=1))) == state.LOGIN_NEEDED
    assert _classify(accessToken="a") == state.LOGIN_NEEDED
    assert _classify(accessToken="a", expiresAt="soon") == state.LOGIN_NEEDED
    assert _classify(accessToken=5, expiresAt=iso(t0 + timedelta(hours=1))) == state.LOGIN_NEEDED


def test_plus_offset_and_fraction_dates_in_files(sso_config) -> None:
    future = (now() + timedelta(hours=2)).isoformat()  # +00:00 and microseconds
    write_token(sso_config, expiresAt=future)
    index = load_index(os.environ)
    status = state.profile_token_status(index.by_name[POWERUSER], index)
    assert status is not None and status.state == state.FRESH
    assert status.expires_at is not None and status.session == "corp"


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "{",
        "[]",
        "null",
        '"string"',
        "\xff\xfe garbage",
        '{"accessToken": "a"}',
        '{"expiresAt": "2099-01-01T00:00:00Z"}',
        '{"accessToken": "a", "expiresAt": "not a date"}',
        '{"accessToken": "a", "expiresAt": 4102444800}',
    ],
)
def test_corrupt_or_incomplete_file_is_login_needed(sso_config, raw: str) -> None:
    write_token(sso_config, raw=raw)
    index = load_index(os.environ)
    status = state.profile_token_status(index.by_name[POWERUSER], index)
    assert status is not None
    assert status.state == state.LOGIN_NEEDED
    assert status.reason


def test_unreadable_file_is_login_needed(sso_config) -> None:
    path = write_token(sso_config)
    path.unlink()
    path.mkdir()  # a folder where the file should be
    index = load_index(os.environ)
    assert state.profile_token_status(index.by_name[POWERUSER], index).state == (state.LOGIN_NEEDED)


def test_profile_token_status_kinds(sso_config) -> None:
    write_token(sso_config, expires_in=3600)
    index = load_index(os.environ)
    assert state.profile_token_status(index.by_name["keys"], index) is None
    with pytest.raises(AwsswitchError, match="loop"):
        state.profile_token_status(index.by_name["loop1"], index)
    chained = state.profile_token_status(index.by_name["chained"], index)
    assert chained is not None and chained.state == state.FRESH
    legacy = state.profile_token_status(index.by_name["legacy"], index)
    assert legacy is not None and legacy.state == state.LOGIN_NEEDED
    assert legacy.session is None and legacy.start_url == LEGACY_URL
    orphan = state.profile_token_status(index.by_name["orphan"], index)
    assert orphan is not None and orphan.state == state.LOGIN_NEEDED


def test_profile_target(sso_config) -> None:
    index = load_index(os.environ)
    target = state.profile_target(index.by_name["chained"], index)
    assert target is not None
    assert (target.session, target.region, target.scopes, target.profile) == (
        "corp",
        "us-east-1",
        ("sso:account:access",),
        POWERUSER,
    )
    legacy = state.profile_target(index.by_name["legacy"], index)
    assert legacy is not None and legacy.session is None and legacy.scopes is None
    assert state.profile_target(index.by_name["keys"], index) is None
    with pytest.raises(AwsswitchError, match="missing"):
        state.profile_target(index.by_name["orphan"], index)
    with pytest.raises(AwsswitchError, match="loop"):
        state.profile_target(index.by_name["loop1"], index)


def test_dumps_is_the_cli_format() -> None:
    when = datetime(2026, 11, 27, 11, 23, 23, 987654, tzinfo=timezone.utc)
    text = cache.dumps({"startUrl": "u", "expiresAt": when, "n": [1, 2]})
    assert text == '{"startUrl": "u", "expiresAt": "2026-11-27T11:23:23Z", "n": [1, 2]}'


def test_write_json_is_atomic_0600_without_newline(sandbox) -> None:
    path = sandbox.sso_cache / "x.json"
    sandbox.sso_cache.mkdir(parents=True)
    path.write_text("old", encoding="utf-8")
    path.chmod(0o644)
    inode = path.stat().st_ino
    cache.write_json(str(path), {"a": 1})
    assert path.read_bytes() == b'{"a": 1}'
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.stat().st_ino != inode  # replaced, never rewritten in place
    assert [p.name for p in sandbox.sso_cache.iterdir()] == ["x.json"]  # no temp left


def test_write_json_creates_the_folder(sandbox) -> None:
    path = sandbox.home / ".aws" / "sso" / "cache" / "new.json"
    cache.write_json(str(path), {"b": "c"})
    assert json.loads(path.read_text()) == {"b": "c"}


def test_describe_left() -> None:
    assert state.describe_left(3 * 3600 + 125) == "3h 2m left"
    assert state.describe_left(59) == "1m left"
    assert state.describe_left(3599) == "1h 0m left"
    assert state.describe_left(-90000) == "expired 1d 1h 0m ago"
    assert state.describe_left(None) == "no expiry"


def test_state_and_hook_stay_import_cheap(sandbox) -> None:
    """The switch path imports these: no boto3, botocore, typer or click."""
    code = (
        "import sys, awsswitch.sso.state, awsswitch.sso.hook, awsswitch.sso.cache;"
        "bad=[m for m in ('boto3','botocore','typer','click','rich','pydantic') "
        "if m in sys.modules]; print(','.join(bad))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=sandbox.env
    )
    assert out.stdout.strip() == ""


def test_config_fixture_is_what_botocore_sees(sso_config) -> None:
    """Guard against the fixture drifting from botocore's view of the sessions."""
    from botocore.configloader import load_config

    loaded = load_config(str(sso_config.config))
    assert loaded["sso_sessions"]["corp"]["sso_start_url"] in CONFIG
    assert loaded["profiles"]["chained"]["source_profile"] == POWERUSER


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1}',
        ' \n{"a": [1, 2.5, true, null, "x\\u00e9"]}\t',
        "",
        "{",
        "[]",
        "null",
        "NaN",
        "[Infinity, -Infinity, 1e999]",
        '{"a":1} x',
        '{"a":1}{}',
        "\ufeff{}",
        '{"a": "\\ud800"}',
        '{"a":1,}',
        "{'a':1}",
        '{"a":"\x01"}',
        '{"a": 1, "a": 2}',
        "[" * 100_000,
    ],
)
def test_loads_is_json_loads(text: str) -> None:
    """The token reader's JSON parser answers exactly as json.loads does."""

    def outcome(parse: object) -> object:
        try:
            return ("value", repr(parse(text)))  # type: ignore[operator]
        except (ValueError, RecursionError) as exc:
            return ("error", type(exc) is RecursionError)

    assert outcome(state.loads) == outcome(json.loads)


def test_fresh_switch_imports_neither_json_nor_re(sandbox, sso_config) -> None:
    """The fresh-token check is one small file read: the json package (which imports `re`)
    is not loaded for it."""
    write_token(sso_config, expires_in=3600)
    code = (
        "import os,sys;from awsswitch.config.profiles import load_index;"
        "from awsswitch.sso import hook;"
        "i=load_index(os.environ);"
        f"r=hook.ensure_fresh(i.by_name['{POWERUSER}'],i,interactive=False,env=os.environ);"
        "print(r, sorted(m for m in ('json','re','boto3','botocore') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=sandbox.env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "kept []"

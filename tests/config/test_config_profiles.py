"""The profile model: kinds, short names, source_profile chains, and the index cache."""

from __future__ import annotations

import os
import time
from typing import Any

import pytest

from awsswitch.config import profiles, reader
from awsswitch.errors import AwsswitchError

OLD = time.time() - 3600  # an mtime outside the racy window


def _age(*paths: Any) -> None:
    for p in paths:
        if os.path.exists(p):
            os.utime(p, (OLD, OLD))


@pytest.mark.parametrize(
    ("values", "creds", "kind"),
    [
        ({"sso_session": "s", "sso_account_id": "1", "sso_role_name": "r"}, None, "sso"),
        ({"sso_session": "s"}, None, "sso"),  # bearer-token-only profile
        ({"sso_start_url": "u", "sso_region": "r"}, None, "sso-legacy"),
        ({"sso_account_id": "1", "sso_role_name": "r"}, None, "sso-legacy"),
        ({"role_arn": "arn", "source_profile": "b"}, None, "role"),
        ({"role_arn": "arn", "credential_source": "Environment"}, None, "role"),
        ({"role_arn": "arn", "web_identity_token_file": "/t"}, None, "role"),
        ({"role_arn": "arn"}, None, "other"),  # botocore refuses it; not a working role
        ({"role_arn": "arn", "source_profile": "b", "sso_session": "s"}, None, "role"),
        ({"credential_process": "x"}, None, "process"),
        ({"aws_access_key_id": "A"}, None, "keys"),
        ({"aws_access_key_id": "A", "credential_process": "x"}, None, "process"),
        ({"aws_access_key_id": "A", "credential_process": "x"}, {"aws_access_key_id": "A"}, "keys"),
        ({"region": "x"}, None, "other"),
    ],
)
def test_classify(values: dict[str, str], creds: dict[str, str] | None, kind: str) -> None:
    assert profiles.classify(values, creds) == kind


def test_short_names() -> None:
    names = [
        "awsprofile.home.poweruser",
        "awsprofile.work.admin",
        "other.work.admin",  # collides with the previous short name: both stay long
        "a.b",  # two components: unchanged
        "plain",
        "x.plain.y",
        "z.home.poweruser2",
        "q.x.plain.y",  # would become "x.plain.y", which is a full name
    ]
    assert profiles.short_names(names) == {
        "awsprofile.home.poweruser": "home.poweruser",
        "awsprofile.work.admin": "awsprofile.work.admin",
        "other.work.admin": "other.work.admin",
        "a.b": "a.b",
        "plain": "plain",
        "x.plain.y": "plain.y",
        "z.home.poweruser2": "home.poweruser2",
        "q.x.plain.y": "q.x.plain.y",
    }


CHAINS = """
[profile sso]
sso_session = s
sso_account_id = 111111111111
sso_role_name = R
[sso-session s]
sso_start_url = https://d-1.awsapps.com/start
sso_region = us-east-1
[profile hop1]
role_arn = arn:aws:iam::1:role/a
source_profile = sso
[profile hop2]
role_arn = arn:aws:iam::1:role/b
source_profile = hop1
[profile keys]
aws_access_key_id = A
[profile self]
role_arn = arn:aws:iam::1:role/c
source_profile = self
aws_access_key_id = A
[profile onkeys]
role_arn = arn:aws:iam::1:role/d
source_profile = keys
[profile loop1]
role_arn = arn:aws:iam::1:role/e
source_profile = loop2
[profile loop2]
role_arn = arn:aws:iam::1:role/f
source_profile = loop1
[profile dangling]
role_arn = arn:aws:iam::1:role/g
source_profile = nowhere
"""


def test_source_profile_chains_and_loops(sandbox: Any) -> None:
    sandbox.write_config(CHAINS)
    index = profiles.load_index(use_cache=False)
    assert [p.name for p in index.chain("hop2")] == ["hop2", "hop1", "sso"]
    assert index.sso_root("hop2") is index.by_name["sso"]
    assert index.sso_root("sso") is index.by_name["sso"]
    assert index.sso_root("onkeys") is None
    assert index.sso_root("self") is None
    assert [p.name for p in index.chain("self")] == ["self"]
    assert index.sso_root("dangling") is None
    assert index.sso_root("missing") is None
    with pytest.raises(AwsswitchError, match="source_profile loop: loop1 -> loop2 -> loop1"):
        index.sso_root("loop1")
    assert index.session_of(index.by_name["sso"]) == {
        "sso_start_url": "https://d-1.awsapps.com/start",
        "sso_region": "us-east-1",
    }
    assert index.by_name["hop1"].role_arn == "arn:aws:iam::1:role/a"


def test_profile_fields(sandbox: Any) -> None:
    sandbox.write_config(
        "[profile awsprofile.home.poweruser]\nsso_session = awssso.home\n"
        "sso_account_id = 123412341234\nsso_role_name = PowerUserAccess\nregion = eu-west-1\n"
        "output = json\n"
    )
    p = profiles.load_index(use_cache=False).by_name["awsprofile.home.poweruser"]
    assert p == profiles.Profile(
        name="awsprofile.home.poweruser",
        short="home.poweruser",
        kind="sso",
        sso_session="awssso.home",
        account_id="123412341234",
        role_name="PowerUserAccess",
        region="eu-west-1",
        output="json",
    )


# -- the index cache -------------------------------------------------------------------------


def _big_config(n: int) -> str:
    parts = [
        "[sso-session corp]\nsso_start_url = https://d-1.awsapps.com/start\n"
        "sso_region = us-east-1\n"
    ]
    for i in range(n):
        parts.append(
            f"[profile org.acct{i}.admin]\nsso_session = corp\nsso_account_id = {i:012d}\n"
            "sso_role_name = Admin\nregion = eu-west-1\n"
        )
    return "\n".join(parts)


def test_cached_index_equals_fresh_parse_and_is_used(
    sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox.write_config(
        _big_config(300) + "\n[profile x]\nrole_arn = a\nsource_profile = org.acct1.admin\n"
    )
    sandbox.credentials.write_text("[k]\naws_access_key_id = A\n", encoding="utf-8")
    _age(sandbox.config, sandbox.credentials)
    fresh = profiles.load_index(use_cache=False)
    first = profiles.load_index()
    assert os.path.exists(profiles.cache_path())
    assert first == fresh

    def boom(*_: Any) -> Any:
        raise AssertionError("parsed although the cache is valid")

    monkeypatch.setattr(reader, "load_config", boom)
    monkeypatch.setattr(reader, "raw_parse", boom)
    monkeypatch.setattr(reader, "read_sections", boom)
    cached = profiles.load_index()
    assert cached == fresh
    assert cached.sso_sessions == fresh.sso_sessions
    assert cached.by_name["x"].source_profile == "org.acct1.admin"


def test_editing_the_config_invalidates_the_cache(sandbox: Any) -> None:
    sandbox.write_config("[profile a]\nregion = eu-west-1\n")
    _age(sandbox.config)
    assert profiles.load_index().by_name["a"].region == "eu-west-1"
    # Same size, same mtime: only inode/ctime change (e.g. an editor that renames).
    tmp = sandbox.config.with_name("config.new")
    tmp.write_text("[profile a]\nregion = us-west-1\n", encoding="utf-8")
    os.replace(tmp, sandbox.config)
    _age(sandbox.config)
    assert profiles.load_index().by_name["a"].region == "us-west-1"
    # In-place write, restoring the mtime: ctime still moves.
    with open(sandbox.config, "r+", encoding="utf-8") as fh:
        fh.write("[profile b]")
    _age(sandbox.config)
    assert profiles.load_index().names == ["b"]


def test_credentials_file_is_part_of_the_key(sandbox: Any) -> None:
    sandbox.write_config("[profile a]\nregion = x\n")
    _age(sandbox.config)
    assert profiles.load_index().names == ["a"]
    sandbox.credentials.write_text("[c]\naws_access_key_id = A\n", encoding="utf-8")
    _age(sandbox.credentials)
    assert profiles.load_index().names == ["a", "c"]


def test_racy_files_are_not_cached(sandbox: Any) -> None:
    sandbox.write_config("[profile a]\nregion = x\n")  # mtime: now
    profiles.load_index()
    assert not os.path.exists(profiles.cache_path())
    _age(sandbox.config)
    profiles.load_index()
    assert os.path.exists(profiles.cache_path())


@pytest.mark.parametrize("garbage", [b"", b"\x00\x01junk", b"\xe3" * 10])
def test_corrupt_cache_is_ignored_and_rewritten(sandbox: Any, garbage: bytes) -> None:
    sandbox.write_config("[profile a]\nregion = x\n")
    _age(sandbox.config)
    path = profiles.cache_path()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(garbage)
    assert profiles.load_index().names == ["a"]
    with open(path, "rb") as fh:
        assert fh.read() != garbage


def test_foreign_shaped_cache_is_ignored(sandbox: Any) -> None:
    import marshal

    sandbox.write_config("[profile a]\nregion = x\n")
    _age(sandbox.config)
    profiles.load_index()
    path = profiles.cache_path()
    with open(path, "rb") as fh:
        key, _rows, sessions = marshal.loads(fh.read())
    with open(path, "wb") as fh:  # right key, rows of the wrong shape
        fh.write(marshal.dumps((key, [("a", "a")], sessions)))
    assert profiles.load_index().by_name["a"].region == "x"


def test_cache_location_follows_environment(sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWSSWITCH_CACHE_DIR", str(sandbox.home / "mycache"))
    assert profiles.cache_path().startswith(str(sandbox.home / "mycache") + os.sep)
    other = dict(os.environ, AWS_CONFIG_FILE=str(sandbox.home / "other"))
    assert profiles.cache_path(other) != profiles.cache_path()


def test_unwritable_cache_dir_still_works(sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = sandbox.home / "file-not-dir"
    blocker.write_text("x")
    monkeypatch.setenv("AWSSWITCH_CACHE_DIR", str(blocker / "sub"))
    sandbox.write_config("[profile a]\nregion = x\n")
    _age(sandbox.config)
    assert profiles.load_index().names == ["a"]


def test_acts_as_takes_a_role_profiles_account_and_role_from_its_role_arn(sandbox: Any) -> None:
    sandbox.write_config(
        "[profile sso]\nsso_start_url = https://x.awsapps.com/start\nsso_region = eu-west-1\n"
        "sso_account_id = 111111111111\nsso_role_name = Admin\n"
        "[profile role]\nrole_arn = arn:aws-cn:iam::222222222222:role/team/ops/Deploy\n"
        "source_profile = sso\n"
        "[profile assumed]\nrole_arn = arn:aws:sts::333333333333:assumed-role/R/s\n"
        "source_profile = sso\n"
        "[profile junk]\nrole_arn = not-an-arn\nsource_profile = sso\n"
    )
    by_name = profiles.load_index().by_name
    assert by_name["sso"].acts_as == ("111111111111", "Admin")
    assert by_name["role"].acts_as == ("222222222222", "Deploy")
    # Only an IAM role ARN names the role a profile assumes.
    assert by_name["assumed"].acts_as == (None, None)
    assert by_name["junk"].acts_as == (None, None)


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("arn:aws:iam::123456789012:role/Name", ("123456789012", "Name")),
        ("arn:aws-us-gov:iam::123456789012:role/a/b/Name", ("123456789012", "Name")),
        ("arn:aws:iam:::role/Name", (None, "Name")),
        ("arn:aws:sts::123456789012:assumed-role/Name/session", (None, None)),
        ("arn:aws:iam::123456789012:user/Name", (None, None)),
        ("role/Name", (None, None)),
        ("", (None, None)),
        (None, (None, None)),
    ],
)
def test_role_parts_reads_role_arns_only(text: str | None, parts: tuple[str | None, ...]) -> None:
    from awsswitch import arn

    assert arn.role_parts(text) == parts

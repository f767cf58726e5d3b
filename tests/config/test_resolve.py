"""Name resolution for `asw NAME`: exact, unique dot-boundary suffix, unique fuzzy
(docs/shell-integration.md, "Which profile a name means")."""

from __future__ import annotations

import pytest

from awsswitch.config import resolve as r
from awsswitch.config.profiles import Profile, short_names
from awsswitch.config.resolve import close_matches, is_subsequence, match, resolve


def _index(*names: str) -> list[Profile]:
    shorts = short_names(list(names))
    return [Profile(name=n, short=shorts[n], kind="sso") for n in names]


PROFILES = _index(
    "default",
    "awsprofile.home.poweruser",
    "awsprofile.home.readonly",
    "awsprofile.work.poweruser",
    "awsprofile.work.admin",
    "prod",
    "prod.eu",
)


def names(found: list[Profile]) -> list[str]:
    return [p.name for p in found]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("awsprofile.home.poweruser", ["awsprofile.home.poweruser"]),  # exact
        ("home.poweruser", ["awsprofile.home.poweruser"]),  # short name
        ("work.admin", ["awsprofile.work.admin"]),
        ("admin", ["awsprofile.work.admin"]),  # unique dot-boundary suffix
        ("readonly", ["awsprofile.home.readonly"]),
        ("prod", ["prod"]),  # exact beats the substring in prod.eu
        ("eu", ["prod.eu"]),
        ("HOME.READ", ["awsprofile.home.readonly"]),  # fuzzy: case-insensitive substring
        ("hmpow", ["awsprofile.home.poweruser"]),  # fuzzy: subsequence
        ("wkadm", ["awsprofile.work.admin"]),
    ],
)
def test_resolves(query, expected):
    assert names(resolve(query, PROFILES)) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("poweruser", ["awsprofile.home.poweruser", "awsprofile.work.poweruser"]),  # suffix
        ("home", ["awsprofile.home.poweruser", "awsprofile.home.readonly"]),  # substring
        ("wor", ["awsprofile.work.poweruser", "awsprofile.work.admin"]),
    ],
)
def test_ambiguous_returns_every_candidate_in_order(query, expected):
    assert names(resolve(query, PROFILES)) == expected


@pytest.mark.parametrize("query", ["", "nothing", "zz", "home.poweruser.x"])
def test_unknown(query):
    assert resolve(query, PROFILES) == []


def test_suffix_stops_at_dot_boundaries():
    profiles = _index("a.b.xpoweruser", "c.d.poweruser")
    # "poweruser" is a dot-boundary suffix of c.d.poweruser only; the other merely ends so.
    assert names(resolve("poweruser", profiles)) == ["c.d.poweruser"]


def test_short_name_wins_over_a_longer_suffix_match():
    profiles = _index("awsprofile.home.poweruser", "other.awsprofile.home.poweruser")
    assert profiles[0].short == "home.poweruser"
    assert names(resolve("home.poweruser", profiles)) == ["awsprofile.home.poweruser"]


def test_close_matches_offer_names_and_short_names():
    close = close_matches("home.powerusr", PROFILES)
    assert close and close[0].name == "awsprofile.home.poweruser"
    assert close_matches("qqqqqqq", PROFILES) == []


def test_subsequence():
    assert is_subsequence("", "x")
    assert is_subsequence("ace", "abcde")
    assert not is_subsequence("aec", "abcde")


@pytest.mark.parametrize(
    ("query", "step"),
    [
        ("awsprofile.home.poweruser", r.NAME),
        ("home.poweruser", r.SHORT),  # what the prompt shows: exact as far as people go
        ("prod", r.NAME),
        ("admin", r.SUFFIX),
        ("HOME.READ", r.SUBSTRING),
        ("hmpow", r.SUBSEQUENCE),
        ("poweruser", r.SUFFIX),  # ambiguous: the step that stopped the search
        ("nothing", None),
        ("", None),
    ],
)
def test_match_says_which_step_found_the_profiles(query, step):
    found, how = match(query, PROFILES)
    assert how == step
    assert found == resolve(query, PROFILES)


@pytest.mark.parametrize("query", ["a\nb", "\x1b[2J", "$(id)", "'\"", "\udcff", "é" * 500])
def test_hostile_queries_resolve_to_nothing_quietly(query):
    assert match(query, PROFILES) == ([], None)

"""Profile names for `awsswitch sync`: templates, sanitising untrusted names, collisions."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from awsswitch.errors import UsageError
from awsswitch.sync.naming import (
    DEFAULT_TEMPLATE,
    Grant,
    assign_names,
    parse_template,
    sanitise,
)

SAFE = re.compile(r"[a-z0-9][a-z0-9._-]*")


def g(account_id: str, name: str | None, role: str, session: str = "awssso.home") -> Grant:
    return Grant(session, account_id, name, role)


def test_default_template_follows_the_seed_scheme() -> None:
    t = parse_template(None)
    assert t.text == DEFAULT_TEMPLATE
    assert t.render(g("111111111111", "Prod", "PowerUser")) == "awsprofile.home.prod.poweruser"


def test_every_placeholder() -> None:
    t = parse_template("{session}.{location}.{account_name}.{account_id}.{role_name}")
    name = t.render(g("111111111111", "My Prod", "Admin", session="awssso.Corp"))
    assert name == "awssso-corp.corp.my-prod.111111111111.admin"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("$(id)", "id"),
        ("`rm -rf ~`", "rm-rf"),
        ('O\'Brien "prod"', "o-brien-prod"),
        ("a/b\\c", "a-b-c"),
        ("Prödüction Ünit", "production-unit"),
        ("acme.prod", "acme-prod"),  # one placeholder = one dot-component
        ("--help", "help"),  # never a leading dash: `asw -x` reads as an option
        ("line\nbreak\ttab", "line-break-tab"),
        ("x" * 200, "x" * 64),
        ("日本語", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_sanitise(raw: str | None, expected: str) -> None:
    assert sanitise(raw) == expected


@given(st.text())
def test_sanitise_is_always_safe(raw: str) -> None:
    word = sanitise(raw)
    assert word == "" or re.fullmatch(r"[a-z0-9][a-z0-9_-]*[a-z0-9]|[a-z0-9]", word)


@given(st.text(), st.text(min_size=1), st.text())
def test_rendered_names_are_always_safe(account_name: str, role: str, session: str) -> None:
    t = parse_template(None)
    name = t.render(Grant(session or "s", "123456789012", account_name, role))
    assert SAFE.fullmatch(name)
    assert ".." not in name and not name.endswith(".")


@pytest.mark.parametrize("account_name", [None, "", "   ", "日本語", "$()"])
def test_unusable_account_names_fall_back_to_the_id(account_name: str | None) -> None:
    name = parse_template(None).render(g("123456789012", account_name, "Admin"))
    assert name == "awsprofile.home.123456789012.admin"


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{account}.{role_name}", "unknown placeholder {account}"),
        ("{}.{role_name}", "unknown placeholder {}"),
        ("{account_name!r}.{role_name}", "no format spec"),
        ("{account_name:>10}.{role_name}", "no format spec"),
        ("{account_name.{role_name}", "invalid --template"),
        ("{account_name}}.{role_name}", "invalid --template"),
        ("a b.{account_name}.{role_name}", "outside placeholders"),
        ("$(id).{account_name}.{role_name}", "outside placeholders"),
        ("{account_name}", "must contain {role_name}"),
        ("{location}.{role_name}", "must contain"),
        ("-x.{account_name}.{role_name}", "must start with a letter"),
        ("{account_name}..{role_name}", "empty dot-components"),
        ("{account_name}.{role_name}.", "empty dot-components"),
    ],
)
def test_invalid_templates_are_rejected_clearly(template: str, message: str) -> None:
    with pytest.raises(UsageError) as err:
        parse_template(template)
    assert message in err.value.message
    assert err.value.exit_code == 2


def test_literal_text_is_lower_cased() -> None:
    t = parse_template("AWS-{account_id}_{role_name}")
    assert t.render(g("111111111111", "x", "Admin")) == "aws-111111111111_admin"


def test_collisions_append_the_account_id_deterministically() -> None:
    a, b = g("111111111111", "Prod", "Admin"), g("222222222222", "prod!", "Admin")
    t = parse_template(None)
    for grants in ([a, b], [b, a]):
        names = assign_names(grants, t)
        assert names == {
            a: "awsprofile.home.prod.admin-111111111111",
            b: "awsprofile.home.prod.admin-222222222222",
        }


def test_a_name_already_owned_is_kept_when_a_newcomer_collides() -> None:
    a, b = g("111111111111", "Prod", "Admin"), g("222222222222", "prod", "Admin")
    owned = {a.identity: ["awsprofile.home.prod.admin"]}
    names = assign_names([a, b], parse_template(None), owned=owned)
    assert names == {
        a: "awsprofile.home.prod.admin",
        b: "awsprofile.home.prod.admin-222222222222",
    }


def test_same_account_in_two_sessions_gets_the_session_too() -> None:
    t = parse_template("{account_name}.{role_name}")
    a = g("111111111111", "Prod", "Admin", session="awssso.home")
    b = g("111111111111", "Prod", "Admin", session="awssso.work")
    names = assign_names([a, b], t)
    assert names == {
        a: "prod.admin-111111111111-awssso-home",
        b: "prod.admin-111111111111-awssso-work",
    }


def test_occupied_and_reserved_names_are_avoided() -> None:
    t = parse_template("{account_name}.{role_name}")
    a = g("111111111111", "Prod", "Admin")
    assert assign_names([a], t, occupied={"prod.admin"})[a] == "prod.admin-111111111111"
    t2 = parse_template("{account_id}{role_name}")
    b = Grant("s", "", None, "")  # degenerate values still give a name
    assert assign_names([b], t2)[b]


def test_names_are_distinct_for_many_similar_accounts() -> None:
    grants = [g(f"{i:012d}", "Same Name", "Admin") for i in range(50)]
    grants += [g("000000000001", "Same Name", "admin")]  # role differs only by case
    names = assign_names(grants, parse_template(None))
    assert None not in names.values()
    assert len(set(names.values())) == len(grants)

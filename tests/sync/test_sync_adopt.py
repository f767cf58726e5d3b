"""Planning a sync over profiles that already reach a grant: adopted, kept, renamed on
request, never twinned."""

from __future__ import annotations

from typing import Any

from planhelp import by_action, generated, plan_of

from awsswitch.sync.naming import Grant, fits, parse_template
from awsswitch.sync.plan import (
    ADD,
    KEEP,
    REMOVE,
    SKIP,
    STALE,
    UNCHANGED,
    UPDATE,
    Existing,
    Plan,
    targets,
)

HOME = "home"
WORK = "work"
REGIONS = {HOME: "eu-west-1", WORK: "us-east-1"}
URLS = {
    HOME: "https://d-1111111111.awsapps.com/start",
    WORK: "https://d-2222222222.awsapps.com/start",
}

POWER = Grant(HOME, "111111111111", "home", "PowerUser")  # the example: account "home"
TWIN = "awsprofile.home.home.poweruser"  # what the default template names it
MINE = "awsprofile.home.poweruser"  # what the user wrote by hand
DEV = Grant(HOME, "222222222222", "Dev", "Admin")


def plan(listings: dict[str, list[Grant]], existing: list[Existing], **kw: Any) -> Plan:
    return plan_of(listings, existing, sso_regions=REGIONS, start_urls=URLS, **kw)


def hand(
    name: str, account: str = "111111111111", role: str = "PowerUser", **keys: str
) -> Existing:
    values = {"sso_session": HOME, "sso_account_id": account, "sso_role_name": role, **keys}
    return Existing(name, {k: v for k, v in values.items() if v is not None})


def gen(name: str, session: str, account: str, role: str, **extra: str) -> Existing:
    return generated(name, session, account, role, REGIONS, **extra)


def test_hand_written_profile_for_the_grant_is_kept_not_twinned() -> None:
    p = plan({HOME: [POWER, DEV]}, [hand(MINE, region="us-west-2")])
    assert by_action(p) == {ADD: ["awsprofile.home.dev.admin"], KEEP: [MINE]}
    keep = p.of(KEEP)[0]
    assert keep.adopted and keep.grant == POWER
    assert "hand-written profile for account 111111111111 role PowerUser" in keep.reason
    assert f"--rename moves it to {TWIN}" in keep.reason
    assert p.counts()["kept"] == 1 and p.counts()["added"] == 1


def test_rename_moves_the_adopted_profile_in_place_without_touching_its_keys() -> None:
    p = plan({HOME: [POWER]}, [hand(MINE, region="us-west-2")], rename=True)
    assert by_action(p) == {UPDATE: [TWIN], REMOVE: [MINE]}
    update = p.of(UPDATE)[0]
    assert update.renamed_from == MINE and update.adopted
    assert update.values == ()  # byte for byte: no managed key written, no marker added
    assert p.of(REMOVE)[0].renamed_to == TWIN
    assert [c.name for c in p.disappearing] == [MINE]  # confirmed like any rename
    # After the move the profile sits at the template's name: kept, nothing more to do.
    again = plan({HOME: [POWER]}, [hand(TWIN, region="us-west-2")], rename=True)
    assert by_action(again) == {KEEP: [TWIN]}
    assert not again.writes


def test_hand_written_profile_at_the_template_name_is_kept_not_skipped() -> None:
    p = plan({HOME: [POWER]}, [hand(TWIN)])
    assert by_action(p) == {KEEP: [TWIN]}
    assert "--rename" not in p.of(KEEP)[0].reason


def test_prune_never_removes_an_adopted_hand_written_profile() -> None:
    p = plan({HOME: [POWER]}, [hand(MINE)], prune=True)
    assert by_action(p) == {KEEP: [MINE]}
    # Not granted any more: not adopted, not ours, so still untouched and not even reported.
    p = plan({HOME: [DEV]}, [hand(MINE)], prune=True)
    assert by_action(p) == {ADD: ["awsprofile.home.dev.admin"]}


def test_generated_twin_of_an_adopted_profile_is_a_duplicate_pruned_only_with_prune() -> None:
    # The state an older sync left: the hand-written profile and its generated twin.
    existing = [hand(MINE), gen(TWIN, HOME, "111111111111", "PowerUser")]
    p = plan({HOME: [POWER]}, existing)
    assert by_action(p) == {STALE: [TWIN], KEEP: [MINE]}
    assert p.of(STALE)[0].reason == f"duplicate of {MINE}"
    p = plan({HOME: [POWER]}, existing, prune=True)
    assert by_action(p) == {REMOVE: [TWIN], KEEP: [MINE]}
    # --rename without --prune would land on the twin: kept, and told why.
    p = plan({HOME: [POWER]}, existing, rename=True)
    assert by_action(p) == {STALE: [TWIN], KEEP: [MINE]}
    assert f"not renamed: {TWIN} is a generated duplicate of it (--prune removes that)" in (
        p.of(KEEP)[0].reason
    )
    # Both: the twin goes first, then the hand-written profile takes its name.
    p = plan({HOME: [POWER]}, existing, rename=True, prune=True)
    assert by_action(p) == {REMOVE: [TWIN, MINE], UPDATE: [TWIN]}
    assert [c.renamed_to for c in p.of(REMOVE)] == [None, TWIN]


def test_several_profiles_for_one_grant_the_first_is_adopted_all_are_kept() -> None:
    existing = [hand("first"), hand("second"), hand("third", region="x")]
    p = plan({HOME: [POWER]}, existing, rename=True)
    assert by_action(p) == {UPDATE: [TWIN], REMOVE: ["first"], KEEP: ["second", "third"]}
    assert p.of(UPDATE)[0].renamed_from == "first"
    for c in p.of(KEEP):
        assert not c.adopted
        assert c.reason == "also targets account 111111111111 role PowerUser; left alone"


def test_profile_generated_under_another_template_is_kept_and_renamed_on_request() -> None:
    old = gen("home-home-poweruser", HOME, "111111111111", "PowerUser", region="ap-x")
    p = plan({HOME: [POWER]}, [old])
    assert by_action(p) == {KEEP: ["home-home-poweruser"]}
    assert "generated under another template" in p.of(KEEP)[0].reason
    p = plan({HOME: [POWER]}, [old], prune=True)  # granted: never pruned
    assert by_action(p) == {KEEP: ["home-home-poweruser"]}
    p = plan({HOME: [POWER]}, [old], rename=True, region="us-east-2")
    assert by_action(p) == {UPDATE: [TWIN], REMOVE: ["home-home-poweruser"]}
    assert p.of(UPDATE)[0].values == ()  # moved only; the next sync manages its keys
    # A grant whose template name is an adopted section's never takes that section over.
    odd = gen("awsprofile.home.x.y", HOME, "111111111111", "PowerUser")
    other = Grant(HOME, "333333333333", "x", "y")
    p = plan({HOME: [POWER, other]}, [odd])
    assert by_action(p) == {ADD: ["awsprofile.home.x.y-333333333333"], KEEP: [odd.name]}
    # Under the template it was generated with, it is simply managed as before.
    p = plan({HOME: [POWER]}, [old], template="home-{account_name}-{role_name}")
    assert by_action(p) == {UNCHANGED: ["home-home-poweruser"]}


def test_portal_rename_of_an_account_still_renames_without_the_option() -> None:
    old = gen("awsprofile.home.house.poweruser", HOME, "111111111111", "PowerUser")
    p = plan({HOME: [POWER]}, [old])
    assert by_action(p) == {REMOVE: [old.name], UPDATE: [TWIN]}
    assert not p.of(UPDATE)[0].adopted


def test_legacy_profile_matches_on_the_start_url() -> None:
    legacy = Existing(
        "legacy",
        {
            "sso_start_url": URLS[HOME] + "/",  # a trailing slash is the same portal
            "sso_region": "eu-west-1",
            "sso_account_id": "111111111111",
            "sso_role_name": "PowerUser",
        },
    )
    p = plan({HOME: [POWER]}, [legacy])
    assert by_action(p) == {KEEP: ["legacy"]}
    # Another organisation's start URL reaches nothing here.
    elsewhere = Existing("elsewhere", {**legacy.values, "sso_start_url": URLS[WORK]})
    assert by_action(plan({HOME: [POWER]}, [elsewhere])) == {ADD: [TWIN]}


def test_what_does_not_target_the_grant_is_not_adopted() -> None:
    cases = [
        hand("other-session", sso_session=WORK),
        hand("other-account", account="999999999999"),
        hand("other-role", role="ReadOnly"),
        hand("no-role", role=None),
        hand("role-on-top", role_arn="arn:aws:iam::1:role/x", source_profile="other-role"),
        Existing("creds-only", {}, in_config=False),
    ]
    p = plan({HOME: [POWER]}, cases)
    assert by_action(p) == {ADD: [TWIN]}
    assert targets(hand("x", role_arn="arn:aws:iam::1:role/x").values, URLS) == [
        (HOME, "111111111111", "PowerUser")  # role_arn without a source: botocore ignores it
    ]


def test_rename_refusals_keep_the_profile_and_say_why() -> None:
    blocked = [hand(MINE), Existing(TWIN, {"region": "x"})]
    p = plan({HOME: [POWER]}, blocked, rename=True)
    assert by_action(p) == {KEEP: [MINE]}
    assert p.of(KEEP)[0].reason.endswith(f"not renamed: {TWIN} is taken")

    p = plan({HOME: [POWER]}, [hand("default")], rename=True)
    assert p.of(KEEP)[0].reason.endswith("not renamed: the default profile is never renamed")

    in_creds = Existing(MINE, hand(MINE).values, in_config=False)
    p = plan({HOME: [POWER]}, [in_creds], rename=True)
    assert p.of(KEEP)[0].reason.endswith("not renamed: the credentials file also defines it")


def test_other_grants_landing_on_an_adopted_name_are_still_skipped() -> None:
    # A hand-written profile adopted by POWER carries the name DEV's template gives.
    mine = hand("awsprofile.home.dev.admin")
    p = plan({HOME: [POWER, DEV]}, [mine])
    assert by_action(p) == {SKIP: ["awsprofile.home.dev.admin"], KEEP: [mine.name]}


def test_fits_recognises_the_template_shape_only() -> None:
    tpl = parse_template(None)
    assert fits(tpl, POWER, TWIN)
    assert fits(tpl, POWER, "awsprofile.home.renamed-acct.poweruser")
    assert fits(tpl, POWER, TWIN + "-111111111111-home")  # a collision suffix
    assert not fits(tpl, POWER, "awsprofile.home.x.readonly")
    assert not fits(tpl, POWER, "awsprofile.work.home.poweruser")
    assert not fits(tpl, POWER, "home-home-poweruser")
    assert not fits(tpl, POWER, "awsprofile.home.a.b.poweruser")  # a name is one component


def test_generated_profile_first_keeps_managing_the_grant_hand_written_ones_reported() -> None:
    existing = [gen(TWIN, HOME, "111111111111", "PowerUser"), hand(MINE)]
    p = plan({HOME: [POWER]}, existing, rename=True, prune=True)
    assert by_action(p) == {UNCHANGED: [TWIN], KEEP: [MINE]}
    assert not p.of(KEEP)[0].adopted
    assert "also targets" in p.of(KEEP)[0].reason


def test_the_report_lists_kept_profiles_and_counts_them_past_thirty() -> None:
    import io

    from awsswitch.commands.sync import report

    grants = [Grant(HOME, f"{i:012d}", f"a{i}", "R") for i in range(40)]
    mine = [hand(f"mine{i}", account=f"{i:012d}", role="R") for i in range(40)]
    out = io.StringIO()
    report(plan({HOME: grants}, mine), dry_run=True, stream=out)
    lines = out.getvalue().splitlines()
    assert sum(line.startswith("  = mine") for line in lines) == 10
    assert "  = … and 30 more kept" in lines
    assert lines[-1].endswith("0 added, 0 updated, 0 removed, 0 unchanged, 0 skipped, 40 kept")

"""A clean setup reports nothing and exits 0, in-process and as a child process; the report
says which profile, credentials and region each caller uses."""

from __future__ import annotations

from doctorhelp import POWERUSER, World


def test_clean_setup_reports_nothing(world: World) -> None:
    result = world.run()
    assert result.code == 0, result.out
    assert "No problems found." in result.out
    assert f"profile {POWERUSER} ($AWS_PROFILE)" in result.out
    assert "SSO: account 111111111111, role PowerUser" in result.out
    assert "region eu-west-1 ($AWS_REGION)" in result.out
    assert "prompt shows:   aws:home.poweruser" in result.out
    assert result.err == ""


def test_clean_setup_as_json(world: World) -> None:
    result = world.json()
    data = result.data
    assert result.code == 0
    assert data["findings"] == []
    assert data["ok"] is True
    assert data["intended"] == POWERUSER
    assert data["prompt"] == "aws:home.poweruser"
    cli, boto = data["resolutions"]
    assert cli["consumer"] == "aws-cli-v2" and boto["consumer"] == "botocore"
    for res in (cli, boto):
        assert res["profile"] == POWERUSER
        assert res["credentials"] == "profile"
        assert (res["kind"], res["account_id"], res["role"]) == ("sso", "111111111111", "PowerUser")
        assert res["region"] == "eu-west-1"
    assert cli["region_source"] == "AWS_REGION"
    assert boto["region_source"] == "AWS_DEFAULT_REGION"
    assert data["sso"]["state"] == "fresh"
    assert data["sso"]["session"] == "corp"
    assert 7 * 3600 < data["sso"]["seconds_left"] <= 8 * 3600
    assert data["sso"]["refresh_until"] is not None
    assert data["verification"] is None


def test_clean_setup_through_the_standalone_main(world: World) -> None:
    text = world.child()
    assert text.code == 0, text.out + text.err
    assert "No problems found." in text.out
    data = world.child("--json")
    assert data.code == 0
    assert data.data["findings"] == []


def test_notes_alone_still_exit_0(world: World) -> None:
    world.set(
        AWS_ENDPOINT_URL_STS="http://127.0.0.1:9", HTTPS_PROXY="http://jane:s3cret@proxy:3128"
    )
    result = world.json()
    assert result.code == 0
    assert sorted(result.ids()) == ["endpoint-override", "proxy"]
    assert all(f["severity"] == "info" for f in result.data["findings"])
    assert "s3cret" not in result.out
    assert "http://***@proxy:3128" in result.finding("proxy")["title"]
    assert "AWS_ENDPOINT_URL_STS=http://127.0.0.1:9" in result.finding("endpoint-override")["title"]


def test_usage(world: World) -> None:
    assert world.run("--bogus").code == 2
    assert world.run("a", "b").code == 2
    helped = world.run("--help")
    assert helped.code == 0 and "usage: awsswitch doctor" in helped.out
    unknown = world.run("no-such-profile-at-all")
    assert unknown.code == 2
    assert "no profile matches 'no-such-profile-at-all'" in unknown.err

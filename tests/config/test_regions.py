"""The one region rule (awsswitch.regions), checked against botocore's own partition data."""

from __future__ import annotations

import json
import re
from pathlib import Path

import botocore
import pytest

from awsswitch import regions
from awsswitch.errors import EXIT_USAGE, UsageError

PARTITIONS = json.loads(
    (Path(botocore.__file__).parent / "data" / "partitions.json").read_text(encoding="utf-8")
)["partitions"]


def _prefixes(regex: str) -> list[str]:
    """`^(us|eu)\\-\\w+\\-\\d+$` → ['us', 'eu']; `^eusc\\-(de)\\-\\w+\\-\\d+$` → ['eusc-de']."""
    assert regex.startswith("^") and regex.endswith(r"\-\w+\-\d+$"), regex
    head = regex[1 : -len(r"\-\w+\-\d+$")].replace("\\-", "-")
    alternatives = re.fullmatch(r"(.*?)\(([^)]*)\)(.*)", head)
    if not alternatives:
        return [head]
    before, options, after = alternatives.groups()
    return [before + option + after for option in options.split("|")]


def test_every_partition_pattern_of_the_installed_botocore_is_known() -> None:
    expected = {p: part["id"] for part in PARTITIONS for p in _prefixes(part["regionRegex"])}
    assert expected == regions.PARTITION_PREFIXES


@pytest.mark.parametrize(
    ("partition", "region"),
    [
        (part["id"], region)
        for part in PARTITIONS
        for region in part["regions"]
        if not region.endswith("-global")  # aws-global, aws-cn-global: endpoint aliases
    ],
)
def test_every_region_botocore_lists_is_in_its_partition(partition: str, region: str) -> None:
    assert regions.partition_of(region) == partition
    assert regions.check(region) == region


@pytest.mark.parametrize(
    "value",
    [
        "us-newplace-9",  # a region AWS has not opened yet: no release needed
        "ap-southeast-12",
        "us-gov-north-3",
        "us-isof-west-1",
        "eusc-de-west-2",
        "cn-south-1",
        # refused by the rule:
        "nowhere",
        "eu-west",
        "eu-west-1a",
        "xx-west-1",
        "us-gov-1",
        "eusc-fr-east-1",
        "-eu-west-1",
        "eu--1",
        "eu-west-",
    ],
)
def test_agrees_with_botocore_regexes(value: str) -> None:
    by_botocore = [part["id"] for part in PARTITIONS if re.match(part["regionRegex"], value)]
    assert regions.partition_of(value) == (by_botocore[0] if by_botocore else None)


@pytest.mark.parametrize(
    "value",
    [
        "EU-WEST-1",  # botocore's \w takes upper case; region names are lower case
        "eu-west_x-1",  # and underscores
        "eu-wést-1",  # and any Unicode letter
        "eu-west-١",  # Arabic-Indic digits are \d for re, not 0-9
        "eu-west-1\n",
        " eu-west-1",
    ],
)
def test_stricter_than_backslash_w(value: str) -> None:
    assert regions.partition_of(value) is None
    with pytest.raises(UsageError):
        regions.check(value)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("nowhere", "not an AWS region name (e.g. eu-west-1, us-gov-west-1 or cn-north-1)"),
        ("EU-WEST-1", "region names are lower case (eu-west-1)"),
        ("eu-west-1 ", "it has surrounding whitespace"),
        ("eu-central-1b", "that is an availability zone; its region is eu-central-1"),
        ("", "not an AWS region name (e.g. eu-west-1, us-gov-west-1 or cn-north-1)"),
    ],
)
def test_messages_name_the_value_and_an_example(value: str, reason: str) -> None:
    with pytest.raises(UsageError) as info:
        regions.check(value, "SSO region")
    assert info.value.message == f"invalid SSO region {value!r}: {reason}"
    assert info.value.exit_code == EXIT_USAGE


def test_hostile_values_are_shown_escaped() -> None:
    value = "eu-west-1\x1b[2J$(id)\n"
    with pytest.raises(UsageError) as info:
        regions.check(value)
    message = info.value.message
    assert "\x1b" not in message and "\n" not in message
    assert "\\x1b[2J$(id)\\n" in message

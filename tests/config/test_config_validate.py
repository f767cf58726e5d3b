"""Every validation rule, with the message a person sees."""

from __future__ import annotations

import pytest

from awsswitch.config import validate
from awsswitch.config.validate import ValidationError
from awsswitch.errors import EXIT_USAGE


@pytest.mark.parametrize(
    "value",
    [
        "https://d-1234567890.awsapps.com/start",
        "https://a-123abc456sdf.awsapps.com/start/",
        "https://my-sso-portal.awsapps.com/start#/",
        "https://sso.example.com:8443/start?x=1",
        "HTTPS://D-1.AWSAPPS.COM/START",
    ],
)
def test_good_start_urls(value: str) -> None:
    assert validate.start_url(value) == value


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("http://d-1.awsapps.com/start", "must start with https://"),
        ("d-1.awsapps.com/start", "must start with https://"),
        ("ftp://x", "must start with https://"),
        ("https://", "has no host name"),
        ("https:///start", "has no host name"),
        ("https://user:pw@d-1.awsapps.com/start", "user:password@"),
        ("https://d-1.awsapps.com:99999/start", "not a valid URL"),
        ("https://d-1.awsapps.com/ start", "contains whitespace"),
        ("https://d-1.awsapps.com/start\n", "non-printable character U+000A"),
        ("", "must start with https://"),
    ],
)
def test_bad_start_urls(value: str, reason: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate.start_url(value)
    assert info.value.message == f"invalid SSO start URL {value!r}: " + validate.why_start_url(
        value
    )
    assert reason in info.value.message
    assert info.value.exit_code == EXIT_USAGE


@pytest.mark.parametrize(
    "value",
    [
        "eu-west-1",
        "us-east-1",
        "us-gov-west-1",
        "cn-north-1",
        "cn-northwest-1",
        "ap-southeast-3",
        "us-iso-east-1",
        "us-isob-east-1",
        "eu-isoe-west-1",
        "eusc-de-east-1",
        "il-central-1",
        "mx-central-1",
    ],
)
def test_good_regions(value: str) -> None:
    assert validate.region(value) == value


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("eu-west", "not an AWS region name"),
        ("euwest1", "not an AWS region name"),
        ("EU-WEST-1", "region names are lower case (eu-west-1)"),
        (" eu-west-1", "surrounding whitespace"),
        ("eu-west-1a", "an availability zone; its region is eu-west-1"),
        ("nowhere", "not an AWS region name (e.g. eu-west-1"),
        ("xx-west-1", "not an AWS region name"),  # no partition has the prefix xx
        ("", "not an AWS region name"),
        ("eu_west_1", "not an AWS region name"),
    ],
)
def test_bad_regions(value: str, reason: str) -> None:
    with pytest.raises(ValidationError, match="invalid region") as info:
        validate.region(value)
    assert reason in info.value.message


def test_region_label_is_configurable() -> None:
    with pytest.raises(ValidationError, match=r"^invalid SSO region 'x'"):
        validate.region("x", "SSO region")


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("12341234123", "exactly 12 digits, this has 11"),
        ("1234123412345", "exactly 12 digits, this has 13"),
        ("1234-1234-1234", "without separators: 123412341234"),
        ("1234 1234 1234", "without separators: 123412341234"),
        ("12341234123x", "exactly 12 digits (0-9)"),
        ("١٢٣٤١٢٣٤١٢٣٤", "exactly 12 digits (0-9)"),  # Arabic-Indic digits are not 0-9
        ("", "exactly 12 digits, this has 0"),
    ],
)
def test_bad_account_ids(value: str, reason: str) -> None:
    with pytest.raises(ValidationError, match="invalid account id") as info:
        validate.account_id(value)
    assert reason in info.value.message


def test_good_account_id() -> None:
    assert validate.account_id("123412341234") == "123412341234"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "it is empty"),
        ("a" * 65, "at most 64 characters, this has 65"),
        ("Power User", "only letters, digits and + = , . @ _ -"),
        ("role/x", "only letters, digits"),
    ],
)
def test_bad_role_names(value: str, reason: str) -> None:
    with pytest.raises(ValidationError, match="invalid role name") as info:
        validate.role_name(value)
    assert reason in info.value.message


def test_good_role_names() -> None:
    for value in ("PowerUserAccess", "AWSAdministratorAccess", "a+b=c,d.e@f_g-h"):
        assert validate.role_name(value) == value


def test_output_formats() -> None:
    for fmt in validate.OUTPUT_FORMATS:
        assert validate.output_format(fmt) == fmt
    with pytest.raises(ValidationError) as info:
        validate.output_format("JSON")
    assert info.value.message == (
        "invalid output format 'JSON': the AWS CLI's output formats are "
        "json, text, table, yaml, yaml-stream, off"
    )


def test_scopes() -> None:
    assert validate.scopes("sso:account:access") == "sso:account:access"
    assert validate.scopes("sso:account:access, codewhisperer:completions") == (
        "sso:account:access,codewhisperer:completions"
    )
    for bad, reason in [
        ("", "one or more scopes"),
        ("a,,b", "one or more scopes"),
        ("a b", "contains whitespace"),
        ("a\x00", "non-printable"),
    ]:
        with pytest.raises(ValidationError, match="invalid registration scopes") as info:
            validate.scopes(bad)
        assert reason in info.value.message


@pytest.mark.parametrize(
    "value",
    ["awsprofile.home.poweruser", "default", "my prof", "it's", "日本", "a$(id)", "x;y#z", "-x"],
)
def test_good_section_names(value: str) -> None:
    assert validate.section_name(value) == value


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "it is empty"),
        ("a\nb", "non-printable character U+000A (a section header is one line"),
        ("a\rb", "U+000D"),
        ("a\tb", "U+0009"),
        ("esc\x1b[31m", "U+001B"),
        ("zero\u200bwidth", "U+200B"),
        ("line\u2028sep", "U+2028"),
        (" lead", "starts or ends with whitespace"),
        ("trail ", "starts or ends with whitespace"),
        ("a]b", "many INI readers end a section header at the first ']'"),
        ("[a", "contains '[' or ']'"),
    ],
)
def test_bad_section_names(value: str, reason: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate.section_name(value, "profile name")
    assert info.value.message.startswith(f"invalid profile name {value!r}: ")
    assert reason in info.value.message


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("", "it is empty"),
        ("a=b", "'=' and ':' separate"),
        ("a:b", "'=' and ':' separate"),
        ("#a", "'#' is not read as a key"),
        (";a", "';' is not read as a key"),
        ("[a", "'[' is not read as a key"),
        (" a", "starts or ends with whitespace"),
        ("a\x00", "U+0000"),
    ],
)
def test_bad_config_keys(key: str, reason: str) -> None:
    with pytest.raises(ValidationError, match="invalid config key") as info:
        validate.config_key(key)
    assert reason in info.value.message
    with pytest.raises(ValidationError, match="invalid nested config key"):
        validate.nested_key(key)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (" x", "strips surrounding whitespace"),
        ("x\n", "U+000A (a value is one line)"),
        ("a\x0cb", "U+000C"),
    ],
)
def test_bad_config_values(value: str, reason: str) -> None:
    with pytest.raises(ValidationError, match="invalid value for region") as info:
        validate.config_value(value, "region")
    assert reason in info.value.message


def test_good_config_values() -> None:
    for value in ("", "x", "a = b # c", "日本", "http://h/?a=b"):
        assert validate.config_value(value) == value

"""awsswitch.arn: the one ARN parser (role profiles' role_arn, STS's assumed-role ARNs)."""

from __future__ import annotations

import pytest

from awsswitch import arn


@pytest.mark.parametrize(
    ("text", "account", "role"),
    [
        ("arn:aws:iam::123456789012:role/Admin", "123456789012", "Admin"),
        ("arn:aws:iam::123456789012:role/path/to/Deploy", "123456789012", "Deploy"),
        ("arn:aws-cn:sts::123456789012:assumed-role/Dev/session@x", "123456789012", "Dev"),
        ("arn:aws:sts::123456789012:assumed-role/Dev", "123456789012", "Dev"),
        ("arn:aws:iam::123456789012:role/", "123456789012", None),
        ("arn:aws:iam::123456789012:user/bob", "123456789012", None),
        ("arn:aws:iam:::role/NoAccount", "", "NoAccount"),
        ("arn:aws:s3:::bucket:with:colons", "", None),
    ],
)
def test_parts(text, account, role):
    parsed = arn.parse(text)
    assert parsed is not None
    assert (parsed.account, parsed.role_name) == (account, role)


def test_the_resource_keeps_its_colons():
    parsed = arn.parse("arn:aws:s3:::bucket:with:colons")
    assert parsed is not None
    assert (parsed.partition, parsed.service, parsed.resource) == (
        "aws",
        "s3",
        "bucket:with:colons",
    )


@pytest.mark.parametrize(
    "text", ["", "arn", "arn:aws:iam::1", "ARN:aws:iam::1:role/R", "urn:aws:iam::1:role/R", None, 5]
)
def test_not_an_arn(text):
    assert arn.parse(text) is None

"""AWS region names: the one rule every command applies to a region it is given.

`asw -r`, `configure --region`, an sso-session's `sso_region` and `sync --region` all ask
this module, so a name one accepts is never refused by another. Stdlib only and without `re`:
`asw -r REGION` is on the switch path.

The rule is botocore's: a region belongs to the partition whose `regionRegex` it matches
(botocore/data/partitions.json). Every pattern there has the form `^PREFIX\\-\\w+\\-\\d+$`,
so regions AWS opens later in a known partition are accepted without a new release. Stricter
than `\\w` on purpose: region names are lower-case ASCII letters and digits.
"""

from __future__ import annotations

from awsswitch.errors import UsageError

# PREFIX of each partition's regionRegex in botocore/data/partitions.json (botocore 1.4x):
#   aws         ^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$
#   aws-cn      ^cn\-\w+\-\d+$                aws-us-gov  ^us\-gov\-\w+\-\d+$
#   aws-iso     ^us\-iso\-\w+\-\d+$           aws-iso-b   ^us\-isob\-\w+\-\d+$
#   aws-iso-e   ^eu\-isoe\-\w+\-\d+$          aws-iso-f   ^us\-isof\-\w+\-\d+$
#   aws-eusc    ^eusc\-(de)\-\w+\-\d+$
# `\w` has no '-', so a name splits one way only: PREFIX, one word, a number.
PARTITION_PREFIXES: dict[str, str] = {
    **dict.fromkeys(("us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx"), "aws"),
    "cn": "aws-cn",
    "us-gov": "aws-us-gov",
    "us-iso": "aws-iso",
    "us-isob": "aws-iso-b",
    "eu-isoe": "aws-iso-e",
    "us-isof": "aws-iso-f",
    "eusc-de": "aws-eusc",
}

EXAMPLES = "eu-west-1, us-gov-west-1 or cn-north-1"

_DIGITS = frozenset("0123456789")
_WORD = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def partition_of(region: str) -> str | None:
    """The partition (`aws`, `aws-cn`, `aws-us-gov`, `aws-iso`, …) `region` is in, or None
    when `region` is not a region name."""
    prefix, _, rest = region.rpartition("-")  # rest: the number
    prefix, _, word = prefix.rpartition("-")
    if not (rest and word and prefix) or not set(rest) <= _DIGITS or not set(word) <= _WORD:
        return None
    return PARTITION_PREFIXES.get(prefix)


def is_region(value: str) -> bool:
    return partition_of(value) is not None


def why_not(value: str) -> str | None:
    """Why `value` is not a region name (None when it is), for prompts that ask again."""
    if partition_of(value) is not None:
        return None
    if value.strip() != value and is_region(value.strip()):
        return "it has surrounding whitespace"
    if value.lower() != value and is_region(value.lower()):
        return f"region names are lower case ({value.lower()})"
    zone = value.rstrip("abcdefghijklmnopqrstuvwxyz")
    if zone != value and is_region(zone):
        return f"that is an availability zone; its region is {zone}"
    return f"not an AWS region name (e.g. {EXAMPLES})"


def check(value: str, what: str = "region") -> str:
    """`value` if it is a region name, else UsageError (exit 2) naming it and an example."""
    reason = why_not(value)
    if reason:
        raise UsageError(f"invalid {what} {value!r}: {reason}")
    return value

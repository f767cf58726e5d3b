"""Amazon Resource Names: the one parser (`arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`)
for the role ARNs of role profiles and the assumed-role ARNs STS returns."""

from __future__ import annotations

from awsswitch.record import Record


class Arn(Record):
    partition: str
    service: str
    region: str
    account: str
    resource: str  # everything after the fifth colon (`role/PATH/NAME`, `assumed-role/R/S`)

    @property
    def role_name(self) -> str | None:
        """NAME of `role/PATH/NAME` (IAM) or ROLE of `assumed-role/ROLE/SESSION` (STS)."""
        kind, _, rest = self.resource.partition("/")
        if kind == "role":
            return rest.rsplit("/", 1)[-1] or None
        if kind == "assumed-role":
            return rest.split("/", 1)[0] or None
        return None


def parse(text: object) -> Arn | None:
    """The parts of `text`, or None when it is not a string of six colon-separated parts
    starting with `arn`."""
    parts = text.split(":", 5) if isinstance(text, str) else []
    if len(parts) != 6 or parts[0] != "arn":
        return None
    return Arn(*parts[1:])


def role_parts(text: object) -> tuple[str | None, str | None]:
    """(account id, role name) of a role ARN `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME`;
    (None, None) for anything else (an assumed-role ARN included)."""
    parsed = parse(text)
    if parsed is None or not parsed.resource.startswith("role/"):
        return None, None
    return parsed.account or None, parsed.role_name

"""What `awsswitch doctor` reports: findings, the resolution of identity and region, the
SSO session and the STS answer. Plain data; rendering lives in `render`, the JSON schema in
`schema`. Values are kept raw (as the files and the environment hold them); whatever shows
them to a person passes them through `context.display`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PROBLEM = "problem"  # makes an AWS call differ from what the prompt shows or fail: exit 1
INFO = "info"  # worth knowing, changes nothing by itself: exit 0

# Who reads the environment differently (see `resolve`).
CLI_V2 = "aws-cli-v2"
BOTOCORE = "botocore"  # boto3, the AWS CLI v1, and the Python tools built on them


@dataclass(frozen=True)
class Finding:
    """One condition. `id` is stable (docs/doctor.md lists them); `fix` is a command for the
    user's shell, None when no single command fixes it (`hint` then says what to do)."""

    id: str
    severity: str
    title: str
    why: str
    fix: str | None = None
    hint: str | None = None
    subject: str | None = None  # the profile, variable, file or tool it is about
    details: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "severity": self.severity,
            "title": self.title,
            "why": self.why,
            "fix": self.fix,
            "hint": self.hint,
            "subject": self.subject,
            "details": dict(self.details),
        }


@dataclass(frozen=True)
class Resolution:
    """What one consumer (`CLI_V2` or `BOTOCORE`) would use for a call from this shell."""

    consumer: str
    profile: str | None  # None: no profile is involved (or none exists)
    profile_source: str | None  # AWS_PROFILE, AWS_DEFAULT_PROFILE, default, argument
    credentials: str  # environment, web-identity, profile, container, none
    kind: str | None = None  # the profile's kind (sso, role, keys, ...) when it gives them
    account_id: str | None = None
    role: str | None = None  # SSO role name, or the role ARN of a role profile
    region: str | None = None
    region_source: str | None = None  # AWS_REGION, AWS_DEFAULT_REGION, profile

    def as_json(self) -> dict[str, Any]:
        return {
            "consumer": self.consumer,
            "profile": self.profile,
            "profile_source": self.profile_source,
            "credentials": self.credentials,
            "kind": self.kind,
            "account_id": self.account_id,
            "role": self.role,
            "region": self.region,
            "region_source": self.region_source,
        }


@dataclass(frozen=True)
class SsoSession:
    """The SSO token behind the profile in use, read locally."""

    session: str | None  # sso-session name; None for a legacy profile
    start_url: str | None
    state: str  # fresh, refreshable, login-needed (awsswitch.sso.state's words)
    reason: str
    expires_at: str | None  # ISO 8601, UTC
    seconds_left: int | None
    refresh_until: str | None  # registrationExpiresAt when a refresh token is held
    cache_file: str

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Verification:
    """STS GetCallerIdentity with the shell's own credential chain (`--verify`)."""

    account: str | None
    arn: str | None
    expected_account: str | None
    expected_role: str | None
    matches: bool | None  # None: nothing to compare with, or the call failed
    error: str | None = None

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Report:
    shell: str
    requested: str | None  # PROFILE as given on the command line
    intended: str | None = None  # the profile the user probably means
    intended_why: str = ""
    prompt: str | None = None  # the segment awsswitch's prompt shows ("aws:home.poweruser")
    resolutions: list[Resolution] = field(default_factory=list)
    sso: SsoSession | None = None
    verification: Verification | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == PROBLEM]

    @property
    def exit_code(self) -> int:
        return 1 if self.problems else 0

"""A profile's credentials, resolved as botocore resolves them for an explicit profile, with
the AWS CLI v2's credential cache (stdlib only until a cache misses).

botocore's order for profile P (environment keys ignored: the profile is named):
1. AssumeRole when P has `role_arn` (and no `web_identity_token_file`): the source's keys come
   from `source_profile` (its own chain below, or another AssumeRole when it is a role without
   keys; a profile may name itself to use its own keys). `credential_source` (EC2, ECS,
   Environment) and web identity are not supported: the message says to use the AWS CLI.
2. Otherwise P's own providers: SSO (`sso_account_id`/`sso_role_name`; sso-session or legacy),
   keys in the credentials file, `credential_process`, keys in the config file.

SSO and AssumeRole results are cached in `~/.aws/cli/cache` (see `cache`): a hit with more
than 15 minutes left is returned without reading the SSO token, parsing boto3 or touching the
network, as the CLI does. On a miss, the SSO session is first made fresh as `asw` makes it
(`sso.hook`: keep, refresh, or log in on a terminal); a token the portal refuses is logged in
again once on a terminal. credential_process results are never cached (botocore does not).
"""

from __future__ import annotations

from awsswitch import paths
from awsswitch.config.profiles import KIND_ROLE, KIND_SSO, KIND_SSO_LEGACY, Profile, load_index
from awsswitch.context import display
from awsswitch.credentials import Credentials, cache
from awsswitch.errors import AwsswitchError, UsageError

# Annotation-only imports: collections.abc and typing cost milliseconds on a warm export.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from awsswitch.config.profiles import ProfileIndex
    from awsswitch.context import Environment
    from awsswitch.sso.state import SsoTarget

_STATIC_KEYS = ("aws_access_key_id", "aws_secret_access_key")
_CLI_HINT = "use `aws configure export-credentials --profile {name}` for it"


def find(name: str, index: ProfileIndex) -> Profile:
    """The profile called `name`, or whose short name (what the prompt shows) is `name`.
    No fuzzy matching: a credential_process line must never drift to another profile."""
    from awsswitch.config.resolve import EXACT, close_matches, match

    found, how = match(name, index.profiles)
    if len(found) == 1 and how in EXACT:
        return found[0]
    close = [p.name for p in (found[:3] if found else close_matches(name, index.profiles, 3))]
    hint = f" (did you mean: {', '.join(map(display, close))}?)" if close else ""
    raise UsageError(f"The config profile ({display(name)}) could not be found{hint}")


def resolve(name: str, ctx: Environment, *, index: ProfileIndex | None = None) -> Credentials:
    """Credentials for profile `name` (exact or short name); AwsswitchError when there are none."""
    from awsswitch.credentials.process import check_chain

    if index is None:
        index = load_index(ctx.env)
    profile = find(name, index)
    check_chain(profile.name, ctx.env)
    return _Resolver(index, ctx, profile).top()


class _Resolver:
    def __init__(self, index: ProfileIndex, ctx: Environment, profile: Profile) -> None:
        self.index = index
        self.ctx = ctx
        self.env = ctx.env
        self.profile = profile
        self._config: dict[str, Any] | None = None
        self._credentials: dict[str, Any] = {}

    def top(self) -> Credentials:
        if self.profile.kind == KIND_ROLE:
            return self.role(self.profile, [self.profile.name])
        return self.own(self.profile)

    # -- the files -------------------------------------------------------------------------

    def sections(self, name: str) -> tuple[dict[str, str], dict[str, str]]:
        """(the profile's config-file values, its credentials-file values): strings only."""
        if self._config is None:
            from awsswitch.config import reader

            self._config = reader.load_config(paths.config_file(self.env))
            self._credentials = reader.raw_parse(paths.credentials_file(self.env))
        cfg = self._config.get("profiles", {}).get(name) or {}
        cred = self._credentials.get(name) or {}
        return _strings(cfg), _strings(cred)

    def merged(self, name: str) -> dict[str, str]:
        cfg, cred = self.sections(name)
        return {**cfg, **cred}

    # -- a profile's own providers -----------------------------------------------------------

    def own(self, profile: Profile) -> Credentials:
        """botocore's profile providers for `profile` (no AssumeRole): SSO, credentials-file
        keys, credential_process, config-file keys."""
        name = display(profile.name)
        if profile.account_id is not None or profile.role_name is not None:
            return self.sso(profile)
        cfg, cred = self.sections(profile.name)
        if "aws_access_key_id" in cred:
            return _keys(cred, profile.name, "the credentials file")
        command = {**cfg, **cred}.get("credential_process")
        if command is not None:
            from awsswitch.credentials import process

            return process.run(
                command,
                profile=profile.name,
                env=self.env,
                interactive=self.ctx.interactive,
                outer=self.profile.name,
            )
        if "aws_access_key_id" in cfg:
            return _keys(cfg, profile.name, "the config file")
        if profile.kind in (KIND_SSO, KIND_SSO_LEGACY):
            raise AwsswitchError(
                f"profile {name} names no role (sso_account_id and sso_role_name), so it has "
                "no credentials"
            )
        raise AwsswitchError(
            f"profile {name} has no credentials: no SSO role, role_arn, credential_process or keys"
        )

    # -- SSO ---------------------------------------------------------------------------------

    def sso(self, profile: Profile) -> Credentials:
        from awsswitch.sso.state import profile_target

        name = display(profile.name)
        missing = [
            k
            for k, v in (
                ("sso_account_id", profile.account_id),
                ("sso_role_name", profile.role_name),
            )
            if not v
        ]
        if missing:
            raise AwsswitchError(
                f'The profile "{name}" is configured to use SSO but is missing required '
                f"configuration: {', '.join(missing)}"
            )
        assert profile.account_id is not None and profile.role_name is not None
        target = profile_target(profile, self.index, self.env)
        if target is None or target.profile != profile.name:
            raise AwsswitchError(
                f"profile {name} mixes SSO and role settings; {_CLI_HINT.format(name=name)}"
            )
        key = cache.sso_key(
            profile.account_id,
            profile.role_name,
            session=target.session,
            start_url=target.start_url,
        )
        path = cache.path_for(key, self.env)
        hit = cache.load(path)
        if hit is not None:
            return hit
        from awsswitch.credentials import fetch

        self.make_fresh(target)
        try:
            entry = self.get_role(target, profile)
        except fetch.SessionEnded:
            if not self.ctx.interactive:
                raise AwsswitchError(
                    f"the SSO portal refused the token of {target.label} (signed out or revoked); "
                    f"run `{target.login_hint}`"
                ) from None
            self.make_fresh(target, force=True)
            entry = self.get_role(target, profile)
        self.store(path, entry)
        return _from_entry(entry, "sso")

    def make_fresh(self, target: SsoTarget, *, force: bool = False) -> None:
        from awsswitch.sso import hook, state

        if not force and not self.ctx.interactive:
            status = state.status_of(target)
            if status.state == state.LOGIN_NEEDED:
                raise AwsswitchError(
                    f"{target.label} needs a login ({status.reason}), but this is not a "
                    f"terminal, so no login was attempted: run `{target.login_hint}`"
                )
        hook.ensure_target_fresh(
            target, interactive=self.ctx.interactive, env=self.env, force=force
        )

    def get_role(self, target: SsoTarget, profile: Profile) -> dict[str, Any]:
        from awsswitch.credentials import fetch
        from awsswitch.sso.state import read_token

        token = read_token(target.cache_file) or {}
        access_token = token.get("accessToken")
        if not isinstance(access_token, str) or not access_token:
            raise AwsswitchError(f"{target.label} has no usable token: run `{target.login_hint}`")
        assert target.region is not None
        return fetch.sso_role(
            region=target.region,
            account_id=profile.account_id or "",
            role_name=profile.role_name or "",
            access_token=access_token,
            env=self.env,
        )

    def store(self, path: str, entry: dict[str, Any]) -> None:
        problem = cache.store(path, entry)
        if problem is not None:  # only costs the next call a fetch
            self.ctx.say(f"awsswitch: warning: {problem}")

    # -- AssumeRole ----------------------------------------------------------------------------

    def role(self, profile: Profile, visited: list[str]) -> Credentials:
        name = display(profile.name)
        values = self.merged(profile.name)
        if "web_identity_token_file" in values:
            raise AwsswitchError(
                f"profile {name} assumes a role with a web identity token, which awsswitch does "
                f"not support; {_CLI_HINT.format(name=name)}"
            )
        if "credential_source" in values:
            if "source_profile" in values:
                raise AwsswitchError(
                    f'The profile "{name}" contains both source_profile and credential_source.'
                )
            raise AwsswitchError(
                f"profile {name} takes its source credentials from credential_source = "
                f"{display(values['credential_source'])}, which awsswitch does not support; "
                + _CLI_HINT.format(name=name)
            )
        source = values.get("source_profile")
        if source is None:
            raise AwsswitchError(f"profile {name} has role_arn but no source_profile")
        args = _assume_role_args(values)
        path = cache.path_for(cache.assume_role_key(args), self.env)
        hit = cache.load(path)
        if hit is not None:
            return hit
        source_credentials = self.source(source, profile.name, visited)
        call = dict(args)
        if "RoleSessionName" not in call:  # botocore's default; not part of the cache key
            import time

            call["RoleSessionName"] = f"botocore-session-{int(time.time())}"
        if "SerialNumber" in call:
            call["TokenCode"] = self.mfa_code(profile.name, call["SerialNumber"])
        from awsswitch.credentials import fetch

        region = self.env.get("AWS_DEFAULT_REGION") or self.profile.region
        response = fetch.assume_role(source_credentials, call, region=region, env=self.env)
        self.store(path, response)
        return _from_entry(response, "assume-role")

    def source(self, source: str, parent: str, visited: list[str]) -> Credentials:
        """botocore's `_resolve_credentials_from_profile`, with its loop checks."""
        found = self.index.by_name.get(source)
        if found is None:
            raise AwsswitchError(
                f'The source_profile "{display(source)}" referenced in the profile '
                f'"{display(parent)}" does not exist.'
            )
        values = self.merged(source)
        has_static = any(k in values for k in _STATIC_KEYS)
        if source in visited:
            if source != parent or not has_static:
                chain = " -> ".join(display(p) for p in [*visited, source])
                raise AwsswitchError(f"source_profile loop: {chain}")
            return self.own(found)
        visited.append(source)
        is_role = "role_arn" in values and "web_identity_token_file" not in values
        if has_static or not is_role:
            return self.own(found)
        return self.role(found, visited)

    def mfa_code(self, profile: str, serial: str) -> str:
        if not self.ctx.interactive:
            raise AwsswitchError(
                f"profile {display(profile)} needs an MFA code (mfa_serial), but this is not a "
                "terminal"
            )
        import getpass

        code = getpass.getpass(f"Enter MFA code for {display(serial)}: ", stream=self.ctx.stderr)
        return code.strip()


def _strings(section: Any) -> dict[str, str]:
    if not isinstance(section, dict):
        return {}
    return {k: v for k, v in section.items() if isinstance(v, str)}


def _keys(section: dict[str, str], profile: str, where: str) -> Credentials:
    """botocore's SharedCredentialProvider / ConfigProvider: both keys, an optional token."""
    missing = [k for k in _STATIC_KEYS if k not in section]
    if missing:
        raise AwsswitchError(
            f"profile {display(profile)} has partial credentials in {where}: missing {missing[0]}"
        )
    token = section.get("aws_session_token")
    if token is None:
        token = section.get("aws_security_token")
    return Credentials(
        section["aws_access_key_id"], section["aws_secret_access_key"], token, None, "keys"
    )


def _assume_role_args(values: dict[str, str]) -> dict[str, Any]:
    """AssumeRole parameters from a profile, as botocore's AssumeRoleProvider builds them."""
    args: dict[str, Any] = {"RoleArn": values["role_arn"]}
    for key, param in (
        ("role_session_name", "RoleSessionName"),
        ("external_id", "ExternalId"),
        ("mfa_serial", "SerialNumber"),
    ):
        if key in values:
            args[param] = values[key]
    if "duration_seconds" in values:
        try:  # noqa: SIM105 - contextlib costs an import on a warm export
            args["DurationSeconds"] = int(values["duration_seconds"])
        except ValueError:  # botocore drops a value that is not a number
            pass
    return args


def _from_entry(entry: dict[str, Any], source: str) -> Credentials:
    from awsswitch.sso.state import parse_time

    creds = entry["Credentials"]
    expiration = creds["Expiration"]
    if isinstance(expiration, str):
        expiration = parse_time(expiration)
    elif expiration is not None and expiration.tzinfo is not None:
        from datetime import timezone

        expiration = expiration.astimezone(timezone.utc)
    return Credentials(
        creds["AccessKeyId"],
        creds["SecretAccessKey"],
        creds.get("SessionToken"),
        expiration,
        source,
    )

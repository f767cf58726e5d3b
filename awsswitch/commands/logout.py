"""`awsswitch logout [--sso-session S]`: end the portal session, remove its token file.

As `aws sso logout`: the portal `Logout` call with the cached token (a failure is only a
warning), then the token file goes; client registrations stay. The AWS CLI's cached role
credentials (`~/.aws/cli/cache`) of that session's profiles go too, since they would
otherwise outlive the logout. Done under the token cache lock, so a login running in
another shell never sees its fresh token removed halfway.
"""

from __future__ import annotations

from collections.abc import Callable

from awsswitch import context, files
from awsswitch.config.profiles import KIND_SSO, KIND_SSO_LEGACY, ProfileIndex, load_index
from awsswitch.context import Environment
from awsswitch.credentials import cache as credentials_cache
from awsswitch.sso import cache, select, state
from awsswitch.sso.state import SsoTarget


def run(*, sso_session: str | None = None, ctx: Environment | None = None) -> None:
    ctx = ctx or context.current()
    env = ctx.env
    index = load_index(env)
    target, _ = select.target_for(None, sso_session, index, env, command="logout")
    with files.lock(
        target.cache_file, interactive=ctx.interactive, what=target.label, say=_say(ctx)
    ):
        token = state.read_token(target.cache_file)
        access_token = token.get("accessToken") if token else None
        region = target.region or (token.get("region") if token else None)
        if isinstance(access_token, str) and access_token and isinstance(region, str):
            _portal_logout(access_token, region, target.label, ctx)
        removed = cache.remove(target.cache_file)
        files_ = _role_credential_files(target, index, ctx)
        dropped = sum(cache.remove(f) for f in files_)
    if removed:
        extra = f" and {dropped} cached role credential file(s)" if dropped else ""
        path = select.display_path(target.cache_file, env)
        print(f"Logged out of {target.label}: removed {path}{extra}.", file=ctx.stdout)
    else:
        print(f"No cached token for {target.label}; nothing to log out of.", file=ctx.stdout)


def _role_credential_files(target: SsoTarget, index: ProfileIndex, ctx: Environment) -> list[str]:
    pairs = sorted(
        {
            (p.account_id, p.role_name)
            for p in index.profiles
            if p.account_id
            and p.role_name
            and (
                (
                    target.session is not None
                    and p.kind == KIND_SSO
                    and p.sso_session == target.session
                )
                or (
                    target.session is None
                    and p.kind == KIND_SSO_LEGACY
                    and p.sso_start_url == target.start_url
                )
            )
        }
    )
    return [
        credentials_cache.path_for(
            credentials_cache.sso_key(a, r, session=target.session, start_url=target.start_url),
            ctx.env,
        )
        for a, r in pairs
    ]


def _say(ctx: Environment) -> Callable[[str], None]:
    return lambda message: ctx.say(f"awsswitch: {message}")


def _portal_logout(access_token: str, region: str, label: str, ctx: Environment) -> None:
    try:
        from botocore.exceptions import BotoCoreError, ClientError

        from awsswitch.sso import clients
    except ImportError as exc:  # boto3 missing: still remove the file
        ctx.say(f"awsswitch: warning: cannot call the portal ({exc})")
        return
    try:
        portal = clients.client("sso", region, ctx.env)
        portal.logout(accessToken=access_token)
    except (ClientError, BotoCoreError, ValueError) as exc:
        ctx.say(
            f"awsswitch: warning: the portal logout for {label} failed "
            f"({clients.describe(exc, [access_token])}); removing the cached token anyway"
        )

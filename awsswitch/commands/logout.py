"""`awsswitch logout [--sso-session S]`: end the portal session, remove its token file.

As `aws sso logout`: the portal `Logout` call with the cached token (a failure is only a
warning), then the token file goes; client registrations stay. The AWS CLI's cached role
credentials (`~/.aws/cli/cache`) of that session's profiles go too, since they would
otherwise outlive the logout.
"""

from __future__ import annotations

import os
import sys

from awsswitch.config.profiles import KIND_SSO, KIND_SSO_LEGACY, load_index
from awsswitch.sso import cache, select, state


def run(*, sso_session: str | None = None) -> None:
    env = os.environ
    index = load_index(env)
    target, _ = select.target_for(None, sso_session, index, env, command="logout")
    token = state.read_token(target.cache_file)
    access_token = token.get("accessToken") if token else None
    region = target.region or (token.get("region") if token else None)
    if isinstance(access_token, str) and isinstance(region, str):
        _portal_logout(access_token, region, target.label)
    removed = cache.remove(target.cache_file)
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
    files = cache.cli_credential_cache_files(
        env, pairs, session=target.session, start_url=target.start_url
    )
    dropped = sum(cache.remove(f) for f in files)
    if removed:
        extra = f" and {dropped} cached role credential file(s)" if dropped else ""
        path = select.display_path(target.cache_file, env)
        print(f"Logged out of {target.label}: removed {path}{extra}.")
    else:
        print(f"No cached token for {target.label}; nothing to log out of.")


def _portal_logout(access_token: str, region: str, label: str) -> None:
    from awsswitch.sso import clients

    try:
        from botocore.exceptions import BotoCoreError, ClientError

        portal = clients.client("sso", region)
        try:
            portal.logout(accessToken=access_token)
        except (ClientError, BotoCoreError) as exc:
            print(
                f"awsswitch: warning: the portal logout for {label} failed "
                f"({clients.describe(exc)}); removing the cached token anyway",
                file=sys.stderr,
            )
    except ImportError as exc:  # boto3 missing: still remove the file
        print(f"awsswitch: warning: cannot call the portal ({exc})", file=sys.stderr)

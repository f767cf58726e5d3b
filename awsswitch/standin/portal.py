"""The `sso` (portal) API: ListAccounts, ListAccountRoles, GetRoleCredentials and Logout,
paginated and authorised by the access tokens sso-oidc issued."""

from __future__ import annotations

from threading import RLock
from typing import Any, ClassVar

from awsswitch.standin.keys import KeyStore, sso_identity
from awsswitch.standin.model import Account, Api, ApiError, Clock
from awsswitch.standin.settings import Settings
from awsswitch.standin.tokens import Tokens


class Portal(Api):
    """Answers the portal's operations from `settings.accounts`. `operations` maps each API
    operation to the method answering it."""

    operations: ClassVar[dict[str, str]] = {
        "ListAccounts": "list_accounts",
        "ListAccountRoles": "list_account_roles",
        "GetRoleCredentials": "get_role_credentials",
        "Logout": "logout",
    }

    def __init__(
        self, settings: Settings, lock: RLock, clock: Clock, tokens: Tokens, keys: KeyStore
    ) -> None:
        super().__init__(settings, lock, clock)
        self.tokens = tokens
        self.keys = keys

    def _authorise(self, params: dict[str, Any]) -> None:
        with self._lock:
            self.tokens.require(params.get("accessToken"), self._clock())

    def _account(self, account_id: str | None) -> Account:
        for account in self.settings.accounts:
            if account.account_id == account_id:
                return account
        raise ApiError("ForbiddenException", "No access")

    def _page(
        self, items: list[dict[str, Any]], params: dict[str, Any], kind: str
    ) -> tuple[list[dict[str, Any]], str | None]:
        """One page of `items`; `nextToken` is `<kind>:<offset>`, so a token from another
        listing is rejected as the real portal would."""
        start = 0
        token = params.get("nextToken")
        if token:
            prefix, _, offset = str(token).rpartition(":")
            if prefix != kind or not offset.isdigit():
                raise ApiError("InvalidRequestException", "Invalid nextToken")
            start = int(offset)
        try:
            size = int(params.get("maxResults") or self.settings.page_size)
        except ValueError:
            raise ApiError("InvalidRequestException", "Invalid maxResults") from None
        end = start + max(1, min(size, 100))
        return items[start:end], (f"{kind}:{end}" if end < len(items) else None)

    def list_accounts(self, params: dict[str, Any]) -> dict[str, Any]:
        self._authorise(params)
        infos = [a.as_account_info() for a in self.settings.accounts]
        page, token = self._page(infos, params, "accounts")
        result: dict[str, Any] = {"accountList": page}
        if token:
            result["nextToken"] = token
        return result

    def list_account_roles(self, params: dict[str, Any]) -> dict[str, Any]:
        self._authorise(params)
        account = self._account(params.get("accountId"))
        roles = [{"roleName": r, "accountId": account.account_id} for r in account.roles]
        page, token = self._page(roles, params, f"roles-{account.account_id}")
        result: dict[str, Any] = {"roleList": page}
        if token:
            result["nextToken"] = token
        return result

    def get_role_credentials(self, params: dict[str, Any]) -> dict[str, Any]:
        self._authorise(params)
        account = self._account(params.get("accountId"))
        role = params.get("roleName")
        if role not in account.roles:
            raise ApiError("ForbiddenException", "No access")
        return {"roleCredentials": self.issue(account.account_id, str(role))}

    def issue(self, account_id: str, role_name: str, ttl: float | None = None) -> dict[str, Any]:
        """Role credentials bound to the SSO identity (so STS and the federation endpoint
        accept them), in the `RoleCredentials` shape (`expiration` in epoch milliseconds)."""
        ttl = self.settings.credentials_ttl if ttl is None else ttl
        identity = sso_identity(account_id, role_name, self.settings.user_name)
        with self._lock:
            issued = self.keys.issue(identity, self._clock() + ttl, "GetRoleCredentials")
        return {
            "accessKeyId": issued.access_key_id,
            "secretAccessKey": issued.secret_access_key,
            "sessionToken": issued.session_token,
            "expiration": int((issued.expires_at or 0) * 1000),
        }

    def logout(self, params: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self.tokens.require(params.get("accessToken"), self._clock())
            self.tokens.end_session(params["accessToken"])
        return {}

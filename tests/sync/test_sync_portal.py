"""The portal lister in isolation: bounded concurrency, pagination, retries, pacing, progress.

A fake `sso` client stands in for boto3 here (in-process, deterministic); the stand-in tests
in test_sync.py cover the real HTTP path."""

from __future__ import annotations

import io
import threading
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from awsswitch.errors import AwsswitchError
from awsswitch.sync import portal
from awsswitch.sync.portal import Pacer, Progress, SessionSpec, list_grants


class FakeEvents:
    def __init__(self) -> None:
        self.handlers: dict[str, list[Any]] = {}

    def register(self, name: str, handler: Any) -> None:
        self.handlers.setdefault(name, []).append(handler)


class FakeMeta:
    def __init__(self) -> None:
        self.events = FakeEvents()


def client_error(code: str, status: int) -> ClientError:
    return ClientError(
        {
            "Error": {"Code": code, "Message": "nope"},
            "ResponseMetadata": {"HTTPStatusCode": status},
        },
        "ListAccountRoles",
    )


class FakePortal:
    """Accounts in pages of `page`; each role list in pages of one role."""

    def __init__(self, accounts: list[dict[str, Any]], *, page: int = 2, delay: float = 0.005):
        self.accounts = accounts
        self.page = page
        self.delay = delay
        self.meta = FakeMeta()
        self.lock = threading.Lock()
        self.active = 0
        self.max_active = 0
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.fail: dict[str, list[ClientError]] = {}  # account id -> errors to raise first

    def _enter(self, op: str, params: dict[str, Any]) -> None:
        with self.lock:
            self.calls.append((op, params))
            self.active += 1
            self.max_active = max(self.max_active, self.active)
        time.sleep(self.delay)
        with self.lock:
            self.active -= 1

    def list_accounts(self, **params: Any) -> dict[str, Any]:
        assert params["accessToken"] == "tok"
        self._enter("ListAccounts", params)
        start = int(params.get("nextToken") or 0)
        out: dict[str, Any] = {"accountList": self.accounts[start : start + self.page]}
        if start + self.page < len(self.accounts):
            out["nextToken"] = str(start + self.page)
        return out

    def list_account_roles(self, **params: Any) -> dict[str, Any]:
        self._enter("ListAccountRoles", params)
        errors = self.fail.get(params["accountId"])
        if errors:
            raise errors.pop(0)
        account = next(a for a in self.accounts if a["accountId"] == params["accountId"])
        roles = account["roles"]
        i = int(params.get("nextToken") or 0)
        out: dict[str, Any] = {
            "roleList": [{"roleName": roles[i], "accountId": account["accountId"]}] if roles else []
        }
        if i + 1 < len(roles):
            out["nextToken"] = str(i + 1)
        return out


def accounts(n: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i in range(n):
        a: dict[str, Any] = {"accountId": f"{i:012d}", "roles": ["Admin", "ReadOnly"]}
        if i % 3:
            a["accountName"] = f"acct {i}"
        out.append(a)
    return out


def factory_for(fake: FakePortal):
    def factory(region: str, env: Any, *, concurrency: int, max_rate: float | None) -> FakePortal:
        return fake

    return factory


SPEC = SessionSpec("awssso.home", "eu-west-1", "tok")


@pytest.mark.parametrize("concurrency", [1, 3, 8])
def test_concurrency_is_bounded_and_every_page_is_listed(concurrency: int) -> None:
    fake = FakePortal(accounts(10))
    out = io.StringIO()
    result = list_grants(
        [SPEC],
        env={},
        concurrency=concurrency,
        progress=Progress(out, tty=False),
        client_factory=factory_for(fake),
    )
    grants = result["awssso.home"]
    assert len(grants) == 20
    assert {(g.account_id, g.role_name) for g in grants} == {
        (f"{i:012d}", r) for i in range(10) for r in ("Admin", "ReadOnly")
    }
    named = {g.account_id: g.account_name for g in grants}
    assert named["000000000000"] is None and named["000000000001"] == "acct 1"
    assert fake.max_active <= concurrency
    if concurrency > 1:
        assert fake.max_active > 1
    assert sum(1 for op, _ in fake.calls if op == "ListAccounts") == 5
    assert all(p["maxResults"] == 100 for _, p in fake.calls)
    assert out.getvalue() == "awsswitch: awssso.home: 10 accounts, 20 roles (0 requests)\n"


def test_duplicate_accounts_across_pages_are_listed_once() -> None:
    accts = accounts(3)
    fake = FakePortal([*accts, accts[0]], page=2)
    result = list_grants(
        [SPEC],
        env={},
        progress=Progress(io.StringIO(), tty=False),
        client_factory=factory_for(fake),
    )
    assert len(result["awssso.home"]) == 6


def test_throttled_calls_are_retried_by_our_own_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(portal, "_BACKOFF_BASE", 0.001)
    fake = FakePortal(accounts(2))
    fake.fail["000000000001"] = [client_error("TooManyRequestsException", 429)] * 3
    progress = Progress(io.StringIO(), tty=False)
    result = list_grants([SPEC], env={}, progress=progress, client_factory=factory_for(fake))
    assert len(result["awssso.home"]) == 4
    assert progress.stats["awssso.home"].own_retries == 3


def test_endless_throttling_fails_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(portal, "_BACKOFF_BASE", 0.001)
    fake = FakePortal(accounts(2))
    fake.fail["000000000001"] = [client_error("TooManyRequestsException", 429)] * 50
    with pytest.raises(AwsswitchError, match="ListAccountRoles failed"):
        list_grants(
            [SPEC],
            env={},
            progress=Progress(io.StringIO(), tty=False),
            client_factory=factory_for(fake),
        )


def test_a_failure_stops_the_others_and_is_the_error_reported() -> None:
    fake = FakePortal(accounts(40), page=40, delay=0.01)
    fake.fail["000000000005"] = [client_error("ForbiddenException", 403)]
    with pytest.raises(AwsswitchError) as err:
        list_grants(
            [SPEC],
            env={},
            concurrency=4,
            progress=Progress(io.StringIO(), tty=False),
            client_factory=factory_for(fake),
        )
    assert "ForbiddenException" in err.value.message
    assert "awssso.home" in err.value.message
    # The remaining queued accounts were not all listed after the failure.
    assert sum(1 for op, _ in fake.calls if op == "ListAccountRoles") < 80


def test_unauthorized_token_says_how_to_log_in_again() -> None:
    fake = FakePortal(accounts(1))
    fake.fail["000000000000"] = [client_error("UnauthorizedException", 401)]
    with pytest.raises(AwsswitchError, match=r"awsswitch login --sso-session awssso\.home --force"):
        list_grants(
            [SPEC],
            env={},
            progress=Progress(io.StringIO(), tty=False),
            client_factory=factory_for(fake),
        )


def test_unauthorized_hint_quotes_the_session_name() -> None:
    """The login command in the message can be pasted into a shell as it is."""
    fake = FakePortal(accounts(1))
    fake.fail["000000000000"] = [client_error("UnauthorizedException", 401)]
    with pytest.raises(AwsswitchError) as err:
        list_grants(
            [SessionSpec("it's corp", "eu-west-1", "tok")],
            env={},
            progress=Progress(io.StringIO(), tty=False),
            client_factory=factory_for(fake),
        )
    assert "`awsswitch login --sso-session 'it'\\''s corp' --force`" in err.value.message


def test_progress_redraws_one_line_on_a_terminal() -> None:
    out = io.StringIO()
    progress = Progress(out, tty=True)
    fake = FakePortal(accounts(3))
    list_grants([SPEC], env={}, progress=progress, client_factory=factory_for(fake))
    text = out.getvalue()
    assert "\r\033[Kawsswitch: listing roles: 3/3 accounts, 6 roles" in text
    assert text.endswith("\r\033[Kawsswitch: awssso.home: 3 accounts, 6 roles (0 requests)\n")


class Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def test_pacer_slow_start_then_backs_off_on_throttling(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    monkeypatch.setattr(portal.time, "sleep", slept.append)
    clock = Clock()
    pacer = Pacer(clock=clock)
    pacer.before_send()
    assert pacer.rate == Pacer.START == 20.0
    assert slept == []
    pacer.before_send()  # same instant: the second request waits 1/20 s
    assert slept == [pytest.approx(0.05)]
    clock.t += 0.5  # two doublings
    pacer.before_send()
    assert pacer.rate == pytest.approx(80.0)
    pacer.throttled()
    assert not pacer.slow_start
    assert pacer.rate <= 0.7 * 80.0  # 70% of min(rate, what was really sent)
    cut = pacer.rate
    pacer.throttled()  # same burst: no second cut
    assert pacer.rate == cut
    clock.t += 2.0
    pacer.before_send()
    assert pacer.rate == pytest.approx(cut + 2 * Pacer.INCREASE)


def test_pacer_respects_the_cap() -> None:
    clock = Clock()
    pacer = Pacer(cap=5.0, clock=clock)
    assert pacer.rate == 5.0
    clock.t += 10
    pacer._grow(clock.t)
    assert pacer.rate == 5.0

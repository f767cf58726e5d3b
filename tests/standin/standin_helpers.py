"""Helpers for the stand-in tests: boto3 clients as the AWS CLI builds them, the OIDC steps."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config

from awsswitch.standin import DEVICE_CODE_GRANT, EXAMPLE_START_URL, StandIn

REGION = "us-east-1"


def client(service: str, **config: Any) -> Any:
    """An unsigned client as the AWS CLI and botocore's SSO providers build them; endpoints
    come from the AWS_ENDPOINT_URL_* variables the test exported."""
    session = boto3.Session(region_name=REGION)
    return session.client(service, config=Config(signature_version=UNSIGNED, **config))


def point_at(s: StandIn, monkeypatch: pytest.MonkeyPatch) -> StandIn:
    """Export the stand-in's endpoints for boto3 (undone after the test)."""
    for key, value in s.env().items():
        monkeypatch.setenv(key, value)
    return s


def register(oidc: Any, scopes: list[str] | None = None) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"clientName": "botocore-client-corp", "clientType": "public"}
    if scopes is not None:
        kwargs["scopes"] = scopes
    return oidc.register_client(**kwargs)


def device_token(oidc: Any, reg: dict[str, Any], device: dict[str, Any]) -> dict[str, Any]:
    return oidc.create_token(
        clientId=reg["clientId"],
        clientSecret=reg["clientSecret"],
        grantType=DEVICE_CODE_GRANT,
        deviceCode=device["deviceCode"],
    )


def start_device(oidc: Any, reg: dict[str, Any]) -> dict[str, Any]:
    return oidc.start_device_authorization(
        clientId=reg["clientId"], clientSecret=reg["clientSecret"], startUrl=EXAMPLE_START_URL
    )


def login(oidc: Any, s: StandIn) -> tuple[dict[str, Any], dict[str, Any]]:
    reg = register(oidc, ["sso:account:access"])
    device = start_device(oidc, reg)
    s.approve(device["userCode"])
    return reg, device_token(oidc, reg, device)


def http(url: str, data: bytes | None = None) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, data=data, timeout=10) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()

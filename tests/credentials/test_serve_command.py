"""The loopback credential server over real HTTP: the token on every request (401, 403, no
credentials in refusals), the container-credentials document botocore reads, the `serve`
command's output and its end (Ctrl-C 130, SIGTERM 143), role credentials refreshed as they
expire, and a clear error when the SSO session has ended."""

from __future__ import annotations

import io
import json
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from credhelp import command
from support.sso import (
    POWERUSER,
    role_credentials,
    write_grant,
    write_token,
)

from awsswitch.commands import serve
from awsswitch.context import Environment
from awsswitch.credentials.server import CredentialServer
from awsswitch.errors import UsageError
from awsswitch.standin import StandIn

pytestmark = pytest.mark.usefixtures("cred_config")

CONTAINER_CREDS = """
import json, os
from botocore.credentials import ContainerProvider
c = ContainerProvider().load()
f = c.get_frozen_credentials()
print(json.dumps({"method": c.method, "key": f.access_key, "secret": f.secret_key,
                  "token": f.token}))
"""


def _get(url: str, token: str | None = None, method: str = "GET") -> tuple[int, dict[str, Any]]:
    headers = {} if token is None else {"Authorization": token}
    request = urllib.request.Request(url, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as exc:
        body = exc.read()
        try:
            return exc.code, json.loads(body)
        except ValueError:
            return exc.code, {"raw": body.decode("latin-1")}


@pytest.fixture(name="keys_server")
def keys_server_fixture(sandbox: Any) -> Iterator[CredentialServer]:
    ctx = Environment(
        dict(sandbox.env), stderr=io.StringIO(), stdin_isatty=False, stderr_isatty=False
    )
    server = CredentialServer("keys", ctx)
    server.prime()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_token_required(keys_server: CredentialServer) -> None:
    url, token = keys_server.url, keys_server.token
    assert url.startswith("http://127.0.0.1:") and url.endswith("/")
    for given, status in (
        (None, 401),
        ("", 403),
        ("wrong", 403),
        (token + "x", 403),
        (token[:-1], 403),
        ("Bearer " + token, 403),
        ("é" * 5, 403),
    ):
        code, body = _get(url, given)
        assert code == status, given
        assert "AccessKeyId" not in body and "secret" not in json.dumps(body)
    code, body = _get(url, token)
    assert code == 200
    assert body["AccessKeyId"] == "AKIAEXAMPLE" and body["SecretAccessKey"] == "secret"
    assert body["Token"] == "" and body["Expiration"].endswith("Z")
    assert _get(url + "other", token)[0] == 404
    assert _get(url + "other")[0] == 401  # nothing about paths before the token
    assert _get(url, token, method="POST")[0] == 501
    assert keys_server.ctx.stderr.getvalue() == ""  # type: ignore[attr-defined]


def test_botocore_container_provider_reads_it(keys_server: CredentialServer, sandbox: Any) -> None:
    env = {**sandbox.env, **dict(keys_server.variables())}
    out = subprocess.run(
        [sys.executable, "-c", CONTAINER_CREDS], env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {
        "method": "container-role",
        "key": "AKIAEXAMPLE",
        "secret": "secret",
        "token": "",
    }


def test_parse_and_lines() -> None:
    assert serve.parse(["p", "--port", "8080"]).port == 8080
    assert serve.parse(["--port=0"]).port == 0
    for bad in (["--port"], ["--port", "x"], ["--port", "70000"], ["a", "b"], ["--nope"]):
        with pytest.raises(UsageError):
            serve.parse(bad)
    pairs = [("A", "http://127.0.0.1:1/"), ("B", "tok-_en")]
    assert serve.lines(pairs, "/bin/zsh") == "export A=http://127.0.0.1:1/\nexport B=tok-_en\n"
    assert serve.lines(pairs, "/usr/bin/fish") == (
        'set -gx A "http://127.0.0.1:1/"\nset -gx B "tok-_en"\n'
    )


class Serving:
    """`serve ARGS` in the background: its variables read from stdout (which it closes)."""

    def __init__(self, sandbox: Any, *args: str, env: dict[str, str] | None = None) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "awsswitch.commands.serve", *args],
            env={**sandbox.env, **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        self.output = self.proc.stdout.read()  # EOF once the lines are written
        self.values = dict(
            line.removeprefix("export ").split("=", 1) for line in self.output.splitlines()
        )

    @property
    def url(self) -> str:
        return self.values["AWS_CONTAINER_CREDENTIALS_FULL_URI"]

    @property
    def token(self) -> str:
        return self.values["AWS_CONTAINER_AUTHORIZATION_TOKEN"]

    def stop(self, signum: int = signal.SIGINT) -> tuple[int, str]:
        self.proc.send_signal(signum)
        _, err = self.proc.communicate(timeout=30)
        return self.proc.returncode, err


def test_serve_prints_variables_and_stops_on_ctrl_c(standin: StandIn, sandbox: Any) -> None:
    write_grant(sandbox, standin)
    serving = Serving(sandbox, POWERUSER, env={"SHELL": "/bin/bash"})
    try:
        assert list(serving.values) == [
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN",
        ]
        code, body = _get(serving.url, serving.token)
        issued = role_credentials(standin)
        assert code == 200 and len(issued) == 1
        assert (body["AccessKeyId"], body["SecretAccessKey"], body["Token"]) == (
            issued[0]["accessKeyId"],
            issued[0]["secretAccessKey"],
            issued[0]["sessionToken"],
        )
        # A POSIX shell evaluates the lines to the same values.
        script = 'eval "$1"; printf %s "$AWS_CONTAINER_AUTHORIZATION_TOKEN"'
        shell = subprocess.run(
            ["sh", "-c", script, "sh", serving.output], capture_output=True, text=True
        )
        assert shell.stdout == serving.token
    finally:
        code, err = serving.stop(signal.SIGINT)
    assert code == 130
    assert "serving credentials for awsprofile.home.poweruser at http://127.0.0.1:" in err
    assert err.endswith("awsswitch: stopped\n")
    assert serving.token not in err and issued[0]["secretAccessKey"] not in err


def test_serve_sigterm_and_port(sandbox: Any) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    serving = Serving(sandbox, "keys", "--port", str(port))
    try:
        assert serving.url == f"http://127.0.0.1:{port}/"
        busy = command(sandbox, "serve", "keys", "--port", str(port))
        assert busy.returncode == 1 and busy.stdout == ""
        assert f"cannot listen on 127.0.0.1 port {port}" in busy.stderr
    finally:
        code, err = serving.stop(signal.SIGTERM)
    assert code == 128 + signal.SIGTERM
    assert err.endswith("awsswitch: stopped\n")


def test_serve_fails_at_once_without_credentials(standin: StandIn, sandbox: Any) -> None:
    write_token(sandbox, expires_in=-60, refreshable=False)
    out = command(sandbox, "serve", POWERUSER)
    assert (out.returncode, out.stdout) == (1, "")
    assert "awsswitch login --sso-session corp" in out.stderr
    out = command(sandbox, "serve", "plain")
    assert out.returncode == 1 and "has no credentials" in out.stderr


def _until(check: Any, what: str, limit: float = 30.0) -> Any:
    deadline = time.monotonic() + limit
    while True:
        result = check()
        if result:
            return result
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


@pytest.mark.slow
def test_new_credentials_as_they_expire_then_a_clear_error(standin: StandIn, sandbox: Any) -> None:
    write_grant(sandbox, standin)
    standin.credentials_ttl = 2
    serving = Serving(sandbox, POWERUSER)
    try:
        first = _get(serving.url, serving.token)[1]["AccessKeyId"]
        second = _until(
            lambda: (
                (b := _get(serving.url, serving.token)[1])["AccessKeyId"] != first
                and b["AccessKeyId"]
            ),
            "new credentials",
        )
        keys = [c["accessKeyId"] for c in role_credentials(standin)]
        assert keys == [first, second]
        # The session ends (signed out, token expired and not refreshable): an error, no login.
        write_token(sandbox, expires_in=-60, refreshable=False)
        code, body = _until(
            lambda: (r := _get(serving.url, serving.token))[0] != 200 and r, "the session's end"
        )
        assert code == 503
        assert body["code"] == "CredentialsUnavailable"
        assert "awsswitch login --sso-session corp" in body["message"]
        assert "AccessKeyId" not in body
        assert _get(serving.url, serving.token)[0] == 503
        # Logged in again elsewhere: served again, without restarting.
        write_grant(sandbox, standin)
        assert _until(lambda: _get(serving.url, serving.token)[0] == 200, "recovery")
    finally:
        code, err = serving.stop()
    assert code == 130
    said = [line for line in err.splitlines() if "credential server:" in line]
    assert len(said) == 1 and "awsswitch login --sso-session corp" in said[0]
    assert serving.token not in err

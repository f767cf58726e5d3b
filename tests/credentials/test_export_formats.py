"""`export` formats: the exact text for ordinary credentials, and hostile values (from a fake
credential_process and a hostile region) read back unchanged by real bash, zsh, sh and fish
without running anything; refusals leave stdout empty and name no secret."""

from __future__ import annotations

import json
import subprocess
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from credhelp import export, fake_process
from support.sandbox import require

from awsswitch.credentials import Credentials, formats
from awsswitch.errors import AwsswitchError

_EXPIRES = datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
_PLAIN = Credentials("ASIAEXAMPLE", "wJalr/K7MDENG+bPxRfiCY=", "IQoJb3JpZ2luX2Vj+/=", _EXPIRES)
_VARS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
         "AWS_CREDENTIAL_EXPIRATION", "AWS_REGION", "AWS_DEFAULT_REGION")  # fmt: skip


def test_plain_values_are_written_as_the_cli_writes_them() -> None:
    values = [
        ("AWS_ACCESS_KEY_ID", "ASIAEXAMPLE"),
        ("AWS_SECRET_ACCESS_KEY", "wJalr/K7MDENG+bPxRfiCY="),
        ("AWS_SESSION_TOKEN", "IQoJb3JpZ2luX2Vj+/="),
        ("AWS_CREDENTIAL_EXPIRATION", "2030-01-02T03:04:05+00:00"),
        ("AWS_REGION", "eu-west-1"),
        ("AWS_DEFAULT_REGION", "eu-west-1"),
    ]
    assert formats.variables(_PLAIN, "eu-west-1") == values
    lines = {
        "env": "export {}={}\n",
        "env-no-export": "{}={}\n",
        "fish": 'set -gx {} "{}"\n',
        "powershell": '$Env:{}="{}"\n',
        "dotenv": "{}={}\n",
    }
    for fmt, line in lines.items():
        assert formats.render(fmt, _PLAIN, "eu-west-1") == "".join(
            line.format(k, v) for k, v in values
        )
    assert formats.render("process", _PLAIN, "eu-west-1") == (
        "{\n"
        '  "Version": 1,\n'
        '  "AccessKeyId": "ASIAEXAMPLE",\n'
        '  "SecretAccessKey": "wJalr/K7MDENG+bPxRfiCY=",\n'
        '  "SessionToken": "IQoJb3JpZ2luX2Vj+/=",\n'
        '  "Expiration": "2030-01-02T03:04:05+00:00"\n'
        "}\n"
    )


def test_long_term_keys_have_no_token_or_expiration() -> None:
    keys = Credentials("AKIAKEY", "secret")
    assert formats.render("env", keys) == (
        "export AWS_ACCESS_KEY_ID=AKIAKEY\nexport AWS_SECRET_ACCESS_KEY=secret\n"
    )
    assert json.loads(formats.render("process", keys)) == {
        "Version": 1,
        "AccessKeyId": "AKIAKEY",
        "SecretAccessKey": "secret",
    }


# -- hostile values ------------------------------------------------------------------------

_HOSTILE = {
    "AccessKeyId": "AKIA'$(touch {m})'",
    "SecretAccessKey": "a\"b'c`touch {m}`d$HOME\\e;f|g&h\\'i{{}}*?[x]~",
    "SessionToken": "line1\nline2 $(touch {m}) \\n ''\u2019 %s \\$ end",
}
_REGION = "=ls$(touch {m})'\"x"  # zsh expands a leading `=`; the rest must stay text


@pytest.fixture
def hostile(sandbox: Any, tmp_path: Path) -> tuple[dict[str, str], Path]:
    marker = tmp_path / "pwned"
    doc = {k: v.format(m=marker) for k, v in _HOSTILE.items()}
    doc["Version"] = 1  # type: ignore[assignment]
    doc["Expiration"] = "2099-01-01T00:00:00Z"
    command = fake_process(tmp_path / "hostile.py", doc)
    region = _REGION.format(m=marker)
    with sandbox.config.open("a") as fh:
        fh.write(f"[profile hostile]\ncredential_process = {command}\nregion = {region}\n")
    expected = {
        "AWS_ACCESS_KEY_ID": doc["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": doc["SecretAccessKey"],
        "AWS_SESSION_TOKEN": doc["SessionToken"],
        "AWS_CREDENTIAL_EXPIRATION": "2099-01-01T00:00:00+00:00",
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
    }
    return expected, marker


def _read_back(shell: list[str], script: str) -> list[str]:
    out = subprocess.run([*shell, script], capture_output=True, timeout=30)
    assert out.returncode == 0, out.stderr
    return out.stdout.decode("utf-8").split("\0")[:-1]


_PRINT_POSIX = 'printf "%s\\0" ' + " ".join(f'"${v}"' for v in _VARS)


@pytest.mark.parametrize("shell", ["bash", "zsh", "sh"])
@pytest.mark.parametrize("fmt", ["env", "env-no-export"])
def test_posix_shells_read_hostile_values_back(
    sandbox: Any, tmp_path: Path, hostile: tuple[dict[str, str], Path], shell: str, fmt: str
) -> None:
    expected, marker = hostile
    program = require(shell)
    out = export(sandbox, "hostile", "--format", fmt)
    assert out.returncode == 0, out.stderr
    code = tmp_path / "creds.sh"
    code.write_text(out.stdout, encoding="utf-8")
    got = _read_back([program, "-c"], f'eval "$(cat {code})"; {_PRINT_POSIX}')
    assert dict(zip(_VARS, got, strict=True)) == expected
    if fmt == "env":  # exported: a child sees them too
        child = _read_back([program, "-c"], f". {code}; env -0 | grep -z ^AWS_REGION=")
        assert child == [f"AWS_REGION={expected['AWS_REGION']}"]
    assert not marker.exists()


def test_fish_reads_hostile_values_back(
    sandbox: Any, tmp_path: Path, hostile: tuple[dict[str, str], Path]
) -> None:
    expected, marker = hostile
    fish = require("fish")
    out = export(sandbox, "hostile", "--format", "fish")
    assert out.returncode == 0, out.stderr
    code = tmp_path / "creds.fish"
    code.write_text(out.stdout, encoding="utf-8")
    printer = 'printf "%s\\0" ' + " ".join(f'"${v}"' for v in _VARS)
    got = _read_back([fish, "--no-config", "-c"], f"source {code}; {printer}")
    assert dict(zip(_VARS, got, strict=True)) == expected
    assert not marker.exists()


def _powershell_single_quoted(text: str) -> str:
    """PowerShell's reading of a verbatim string literal: between single-quote characters
    (' and the typographic ones), a doubled quote character is one quote character."""
    quotes = "'\u2018\u2019\u201a\u201b"
    assert text[0] in quotes and text[-1] in quotes
    body, out, i = text[1:-1], [], 0
    while i < len(body):
        if body[i] in quotes:
            assert i + 1 < len(body) and body[i + 1] in quotes, "lone quote ends the string"
            out.append(body[i])
            i += 2
        else:
            out.append(body[i])
            i += 1
    return "".join(out)


def test_powershell_quotes_hostile_values(
    sandbox: Any, hostile: tuple[dict[str, str], Path]
) -> None:
    expected, _ = hostile
    out = export(sandbox, "hostile", "--format", "powershell")
    assert out.returncode == 0, out.stderr
    got: dict[str, str] = {}
    rest = out.stdout
    for name in _VARS:
        prefix = f"$Env:{name}="
        assert rest.startswith(prefix)
        rest = rest[len(prefix) :]
        if rest.startswith('"'):  # a plain value, as the CLI writes it
            end = rest.index('"\n', 1)
            got[name], rest = rest[1:end], rest[end + 2 :]
            assert formats.is_plain(got[name])
            continue
        end = 1
        while True:  # the closing quote: a quote character not doubled, then a newline
            end = rest.index("\n", end)
            literal = rest[:end]
            try:
                got[name] = _powershell_single_quoted(literal)
                break
            except AssertionError:
                end += 1
        rest = rest[end + 1 :]
    assert rest == ""
    assert got == expected


def test_dotenv_refuses_a_line_break(sandbox: Any, hostile: tuple[dict[str, str], Path]) -> None:
    expected, _ = hostile
    out = export(sandbox, "hostile", "--format", "dotenv")
    assert out.returncode == 1
    assert out.stdout == ""
    assert "AWS_SESSION_TOKEN contains a line break" in out.stderr
    for value in expected.values():
        assert value not in out.stderr


def test_dotenv_is_literal_as_docker_reads_it(sandbox: Any, tmp_path: Path) -> None:
    doc = {"Version": 1, "AccessKeyId": "AKIA'$(x)'",
           "SecretAccessKey": ' "quoted" # not a comment',
           "SessionToken": "a=b=c"}  # fmt: skip
    with sandbox.config.open("a") as fh:
        fh.write(f"[profile dot]\ncredential_process = {fake_process(tmp_path / 'd.py', doc)}\n")
    out = export(sandbox, "dot", "--format", "dotenv")
    assert out.returncode == 0, out.stderr
    # docker's env-file parser: KEY=VALUE per line, the value taken as written.
    pairs = [line.split("=", 1) for line in out.stdout.splitlines()]
    assert pairs == [
        ["AWS_ACCESS_KEY_ID", doc["AccessKeyId"]],
        ["AWS_SECRET_ACCESS_KEY", doc["SecretAccessKey"]],
        ["AWS_SESSION_TOKEN", doc["SessionToken"]],
    ]


def test_process_format_carries_any_value(
    sandbox: Any, hostile: tuple[dict[str, str], Path]
) -> None:
    expected, _ = hostile
    out = export(sandbox, "hostile", "--format", "process")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["AccessKeyId"] == expected["AWS_ACCESS_KEY_ID"]
    assert doc["SessionToken"] == expected["AWS_SESSION_TOKEN"]


@pytest.mark.parametrize("fmt", ["env", "env-no-export", "fish", "powershell", "dotenv"])
def test_nul_is_refused_in_every_shell_format(fmt: str) -> None:
    creds = Credentials("AKIA\0X", "s")
    with pytest.raises(AwsswitchError, match="AWS_ACCESS_KEY_ID contains a NUL"):
        formats.render(fmt, creds)
    assert json.loads(formats.render("process", creds))["AccessKeyId"] == "AKIA\0X"


def test_lone_surrogate_is_refused() -> None:
    with pytest.raises(AwsswitchError, match="not valid Unicode"):
        formats.render("env", Credentials("AKIA", "s\udc80"))


def test_leading_equals_is_quoted_for_zsh() -> None:
    assert formats.posix_quote("=ls") == "'=ls'"
    assert formats.posix_quote("a=ls") == "a=ls"

"""Random bytes as config and credentials files: every Python config reader either reads them
or refuses them with its documented error (ConfigParseError, FileFault), never anything else;
the CLI never shows a traceback.

Two sources of bytes: arbitrary ones, and config-shaped ones (headers, keys, delimiters,
indentation, comments, quotes, CR/LF, undecodable bytes) that reach deep into the parser and
the editor. Examples are small (a few hundred bytes) so each one takes milliseconds; a deadline
alarm turns a hang into a failure instead of a stuck suite.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from awsswitch.config import names, profiles, reader
from awsswitch.config.editor import PROFILE, SSO_SESSION, Document
from awsswitch.errors import AwsswitchError, ConfigParseError
from awsswitch.files import FileFault

TOKENS = [
    b"[", b"]", b"[default]", b"[profile a]", b"[profile 'a b']", b'[profile "q"]',
    b"[sso-session s]", b"[services x]", b"[DEFAULT]", b"[profile a", b"profile", b" ",
    b"\t", b"\n", b"\r\n", b"\r", b"=", b":", b" = ", b"region", b"Region", b"sso_session",
    b"role_arn", b"source_profile", b"s3 =\n    addressing_style = path\n", b"  ", b"    x = y",
    b"#", b";", b"# c\n", b"a", b"b", b"0", b"'", b'"', b"\\", b"$(id)", b"\xff", b"\x00",
    b"\xc3\xa9", b"\xe2\x80\xae", b"\x1b[31m",
]  # fmt: skip
CONFIG_LIKE = st.lists(st.sampled_from(TOKENS), max_size=60).map(b"".join)
ANY_BYTES = st.binary(max_size=400)
CONTENT = st.one_of(CONFIG_LIKE, ANY_BYTES)
FAST = settings(
    max_examples=300,
    deadline=None,  # no timing assertions: the alarm below only catches a hang
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(autouse=True)
def deadline() -> Iterator[None]:
    def expired(*_: Any) -> None:
        raise TimeoutError("a config reader did not finish within 120 s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(120)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _expected(call: Any) -> Any:
    """call(), or None when it raises a documented error."""
    try:
        return call()
    except (ConfigParseError, FileFault):
        return None


@FAST
@given(config=CONTENT, credentials=CONTENT)
def test_python_readers(sandbox: Any, config: bytes, credentials: bytes) -> None:
    sandbox.config.write_bytes(config)
    sandbox.credentials.write_bytes(credentials)
    env = sandbox.env
    _expected(lambda: reader.raw_parse(str(sandbox.config)))
    _expected(lambda: reader.load_config(str(sandbox.credentials)))
    before = names.stamp(env)
    for use_cache in (False, True, True):  # build, write the cache, read it back
        index = _expected(lambda use_cache=use_cache: profiles.load_index(env, use_cache=use_cache))
    if index is not None:
        for p in index.profiles:
            index.chain(p.name) if p.source_profile != p.name else None
        text = names.render(index, env, before)
        assert text is None or text.startswith("#awsswitch-names 2\n")
        names.update(index, env, before)  # never raises
        names.refresh(env)


@FAST
@given(data=CONTENT)
def test_editor_round_trips_and_edits_what_it_accepts(data: bytes) -> None:
    doc = _expected(lambda: Document.parse(data, "config"))
    if doc is None:
        return
    assert doc.to_bytes() == data  # untouched: byte for byte
    doc.sections()
    doc.verify()
    try:
        changed = doc.update(PROFILE, "added", {"region": "eu-west-1", "s3": {"x": "y"}})
        doc.update(SSO_SESSION, "s", {"sso_region": "eu-west-1"})
        doc.remove_section(PROFILE, "a")
    except AwsswitchError as exc:  # e.g. the text cannot be encoded back: a one-line refusal
        assert "\n" not in exc.message
        return
    assert changed
    doc.verify()  # the edited text reads back as intended
    reread = Document.parse(doc.to_bytes(), "config")
    assert reread.get(PROFILE, "added") == {"region": "eu-west-1", "s3": {"x": "y"}}
    assert reread.get(PROFILE, "a") is None


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])  # fmt: skip
@given(config=CONTENT, credentials=CONTENT)
def test_cli_never_shows_a_traceback(sandbox: Any, config: bytes, credentials: bytes) -> None:
    sandbox.config.write_bytes(config)
    sandbox.credentials.write_bytes(credentials)
    result = subprocess.run(
        [sys.executable, "-m", "awsswitch", "list"],
        env=sandbox.env,
        capture_output=True,
        timeout=60,
    )
    err = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err
    assert result.returncode in (0, 1), err
    if result.returncode == 1:
        assert len(err.splitlines()) == 1 and err.startswith("awsswitch: "), err
        assert "unexpected error" not in err


def test_a_sample_is_refused_with_the_documented_error(tmp_path: Path) -> None:
    # Not vacuous: the generators do produce files botocore refuses, and they fail this way.
    path = tmp_path / "config"
    path.write_bytes(b"[profile a]\nregion = x\nregion = y\n")
    with pytest.raises(ConfigParseError, match="line 3"):
        reader.raw_parse(str(path))
    with pytest.raises(ConfigParseError):
        Document.parse(b"\xff[x]\n", "config")

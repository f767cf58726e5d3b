"""The reader gives exactly botocore.configloader's results, and rejects what it rejects."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import botocore.configloader
import botocore.exceptions
import botocore.session
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from awsswitch.config import profiles, reader
from awsswitch.errors import ConfigParseError
from awsswitch.files import FileFault

CORPUS = Path(__file__).parents[1] / "data" / "configs"
CORPUS_FILES = sorted(CORPUS.glob("*.ini"))


def _in_order(value: Any) -> Any:
    """Nested dicts as lists of items: comparing these compares the order too (the order of
    `available_profiles`, of `awsswitch list`)."""
    if isinstance(value, dict):
        return [(k, _in_order(v)) for k, v in value.items()]
    return value


def reference(path: str, loader: Any = botocore.configloader.raw_config_parse) -> tuple[str, Any]:
    try:
        return ("ok", loader(path))
    except botocore.exceptions.ConfigNotFound:
        return ("missing", None)
    except botocore.exceptions.ConfigParseError:
        return ("error", None)


def ours(path: str, loader: Any = reader.raw_parse) -> tuple[str, Any]:
    try:
        return ("ok", loader(path))
    except ConfigParseError:
        return ("error", None)


def test_corpus_is_big_and_has_both_verdicts() -> None:
    verdicts = [reference(str(p))[0] for p in CORPUS_FILES]
    assert len(CORPUS_FILES) >= 50
    assert verdicts.count("error") >= 10
    assert verdicts.count("ok") >= 30


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_corpus_raw_parse_equals_botocore(path: Path) -> None:
    got, expected = ours(str(path)), reference(str(path))
    assert got == expected
    assert _in_order(got) == _in_order(expected)


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_corpus_load_config_equals_botocore(path: Path) -> None:
    expected = reference(str(path), botocore.configloader.load_config)
    got = ours(str(path), reader.load_config)
    assert got == expected
    assert _in_order(got) == _in_order(expected)


def test_known_semantics_spelled_out(sandbox: Any) -> None:
    path = sandbox.write_config(
        "[DEFAULT]\noutput = text\n"
        "[default]\nregion = us-east-1 # kept\n"
        "[profile default]\nregion = later\n"
        '[profile "a b"]\ns3 =\n  addressing_style = path\n'
        "[profile x y]\nregion = dropped\n"
        "[sso-session corp]\nsso_region = eu-west-1\n"
        "[services local]\nsso =\n  endpoint_url = http://127.0.0.1:1\n"
        "[plugins]\nX = 1\n"
    )
    config = reader.load_config(str(path))
    assert config["profiles"] == {
        "default": {"region": "later", "output": "text"},
        "a b": {"s3": {"addressing_style": "path"}, "output": "text"},
    }
    assert config["sso_sessions"] == {"corp": {"sso_region": "eu-west-1", "output": "text"}}
    assert config["services"]["local"]["sso"] == {"endpoint_url": "http://127.0.0.1:1"}
    assert config["plugins"] == {"x": "1", "output": "text"}
    assert config == botocore.configloader.load_config(str(path))


def test_error_names_file_and_line(sandbox: Any) -> None:
    path = sandbox.write_config("[a]\nx = 1\n\n[b]\ny = 2\n[a]\n")
    with pytest.raises(ConfigParseError) as info:
        reader.raw_parse(str(path))
    assert info.value.lineno == 6
    assert info.value.path == str(path)
    assert f"{path}, line 6" in info.value.message


def test_parsing_error_reports_first_bad_line(sandbox: Any) -> None:
    path = sandbox.write_config("[a]\nok = 1\nbad line\nworse line\n")
    with pytest.raises(ConfigParseError) as info:
        reader.raw_parse(str(path))
    assert info.value.lineno == 3


def test_undecodable_bytes_name_the_line(sandbox: Any) -> None:
    sandbox.config.write_bytes(b"[a]\nx = 1\ny = \xff\n")
    with pytest.raises(ConfigParseError) as info:
        reader.raw_parse(str(sandbox.config))
    assert info.value.lineno == 3
    assert reference(str(sandbox.config))[0] == "error"


def test_missing_file_reads_as_empty(sandbox: Any) -> None:
    assert reader.raw_parse(str(sandbox.home / "nope")) == {}
    assert reader.load_config(str(sandbox.home / "nope"))["profiles"] == {}
    assert reference(str(sandbox.home / "nope"))[0] == "missing"


def test_a_directory_is_refused_where_botocore_sees_no_file(sandbox: Any) -> None:
    # The one deliberate difference (reader docstring): botocore's isfile() check hides the
    # mistake behind an empty profile list; awsswitch names the file.
    (sandbox.home / "adir").mkdir()
    assert reference(str(sandbox.home / "adir"))[0] == "missing"
    with pytest.raises(FileFault, match=r"^cannot read .*/adir: it is a directory, not a file$"):
        reader.raw_parse(str(sandbox.home / "adir"))


def test_the_null_device_reads_as_empty_like_botocore() -> None:
    # AWS_SHARED_CREDENTIALS_FILE=/dev/null: the usual way to say "no credentials file".
    assert reference(os.devnull)[0] == "missing"
    assert reader.raw_parse(os.devnull) == {}
    assert reader.read_file(os.devnull) == b""


def test_path_is_expanded_like_botocore(sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    sandbox.write_config("[default]\nregion = x\n")
    monkeypatch.setenv("SOMEDIR", ".aws")
    assert reader.raw_parse("~/$SOMEDIR/config") == {"default": {"region": "x"}}


def test_reader_imports_nothing_heavy() -> None:
    import subprocess
    import sys

    code = (
        "import sys; import awsswitch.config.profiles, awsswitch.config.reader; "
        "bad = [m for m in ('configparser', 'botocore', 'boto3', 'typer', 'click', 'pathlib', "
        "'shlex') if m in sys.modules]; print(','.join(bad))"
    )
    # -S: this image's site-packages .pth files import pathlib & co. before any of our code.
    out = subprocess.run(
        [sys.executable, "-S", "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parents[2],
    )
    assert out.stdout.strip() == ""


# -- credentials file and available_profiles, against botocore.session ----------------------


def test_available_profiles_and_credentials_override_match_botocore(sandbox: Any) -> None:
    sandbox.write_config(
        "[profile b]\nregion = eu-west-1\n[default]\nregion = us-east-1\n"
        "[profile a]\nsso_session = s\nsso_account_id = 111111111111\nsso_role_name = R\n"
        "[sso-session s]\nsso_start_url = https://d-1.awsapps.com/start\nsso_region = us-east-1\n"
    )
    sandbox.credentials.write_text(
        "[a]\naws_access_key_id = AKIA\naws_secret_access_key = s\n"
        "[c]\naws_access_key_id = AKIB\n[default]\nregion = from-creds\n"
        "[profile d]\naws_access_key_id = X\n",
        encoding="utf-8",
    )
    session = botocore.session.Session()
    index = profiles.load_index(use_cache=False)
    assert index.names == session.available_profiles
    full = session.full_config["profiles"]
    assert index.by_name["default"].region == full["default"]["region"] == "from-creds"
    assert index.by_name["a"].kind == profiles.KIND_SSO  # SSO provider runs before the file's keys
    assert index.by_name["c"].kind == profiles.KIND_KEYS
    assert index.by_name["c"].in_credentials and not index.by_name["c"].in_config
    assert index.by_name["a"].in_credentials and index.by_name["a"].in_config


def test_credentials_parse_error_is_an_error_as_in_botocore(sandbox: Any) -> None:
    sandbox.write_config("[default]\nregion = x\n")
    sandbox.credentials.write_text("[a]\nkey = 1\nkey = 2\n", encoding="utf-8")
    with pytest.raises(ConfigParseError):
        profiles.load_index(use_cache=False)
    with pytest.raises(botocore.exceptions.ConfigParseError):
        botocore.session.Session().available_profiles  # noqa: B018


# -- generated configs ---------------------------------------------------------------------

_NAMES = st.sampled_from(
    [
        "default",
        "DEFAULT",
        "Default",
        "profile a",
        "profile  a",
        "profile b",
        'profile "a"',
        "profile 'a b'",
        "profile a b",
        "profile 'x",
        "profilex",
        "profile default",
        "sso-session s",
        "sso-session 's t'",
        "services local",
        "plugins",
        "]",
        "a]b",
        "ü",
    ]
)
_KEYS = st.sampled_from(["region", "Region", "output", "s3", "sso_session", "k", "ü", "a b", ""])
_VALUES = st.sampled_from(
    ["", "x", "us-east-1", "a = b", "v # c", " spaced ", "x:y", "日本", "\x0c", "http://h/?a=b"]
)
_WS = st.sampled_from(["", " ", "  ", "\t", "    ", "\u00a0", " \t"])
_EOL = st.sampled_from(["\n", "\n", "\n", "\r\n", "\r"])


@st.composite
def _line(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 9))
    ws = draw(_WS)
    if kind <= 1:
        tail = draw(st.sampled_from(["", " ", " # c", "]", " x"]))
        return f"{ws}[{draw(_NAMES)}]{tail}"
    if kind <= 5:
        delim = draw(st.sampled_from(["=", "=", " = ", ":", " : ", "=="]))
        return f"{ws}{draw(_KEYS)}{delim}{draw(_VALUES)}"
    if kind == 6:
        return ws + draw(st.sampled_from(["", " ", "\t"]))
    if kind == 7:
        return ws + draw(st.sampled_from(["# comment", "; c", "#", "# k = v"]))
    if kind == 8:  # likely a continuation / nested line
        inner = draw(st.sampled_from(["addressing_style = path", "x=1", "just text", "[b]", "k:"]))
        return draw(st.sampled_from(["  ", "    ", "\t", "      "])) + inner
    return draw(st.sampled_from(["garbage", "[", "[]", "=", "x"]))


@st.composite
def configs(draw: st.DrawFn) -> bytes:
    lines = draw(st.lists(_line(), max_size=14))
    eols = [draw(_EOL) for _ in lines]
    text = "".join(line + eol for line, eol in zip(lines, eols, strict=True))
    if lines and draw(st.booleans()):
        text = text.rstrip("\r\n")
    data = text.encode("utf-8")
    if draw(st.integers(0, 30)) == 0:
        data += b"\xff"
    return data


@settings(
    # AWSSWITCH_HYPOTHESIS_EXAMPLES=20000 for a long run (after changing the reader).
    max_examples=int(os.environ.get("AWSSWITCH_HYPOTHESIS_EXAMPLES", "600")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=configs())
def test_generated_configs_match_botocore(sandbox: Any, data: bytes) -> None:
    sandbox.config.write_bytes(data)
    path = str(sandbox.config)
    got, expected = ours(path), reference(path)
    assert got == expected
    assert _in_order(got) == _in_order(expected)
    got = ours(path, reader.load_config)
    expected = reference(path, botocore.configloader.load_config)
    assert got == expected
    assert _in_order(got) == _in_order(expected)


def test_generated_configs_include_rejections() -> None:
    # The strategy must exercise both verdicts, or the property above proves little.
    import tempfile

    verdicts: set[str] = set()

    @settings(max_examples=200, deadline=None)
    @given(data=configs())
    def probe(data: bytes) -> None:
        with tempfile.NamedTemporaryFile(dir=os.environ["HOME"], delete=False) as fh:
            fh.write(data)
        try:
            verdicts.add(reference(fh.name)[0])
        finally:
            os.unlink(fh.name)

    probe()
    assert {"ok", "error"} <= verdicts

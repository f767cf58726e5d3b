"""The `.awsprofile` file and the trust store (awsswitch/switch/directory.py), and the
`allow`/`deny` commands: what a file may say, where trust is kept and with what modes, what
counts as the same file, and what a changed, forged or removed entry means."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from awsswitch.commands import allow as allow_cmd
from awsswitch.context import Environment
from awsswitch.switch import directory
from awsswitch.switch.directory import DirFile, FileError

CONFIG = """\
[profile awsprofile.home.poweruser]
region = eu-west-1

[profile static]
"""


def _file(tmp_path: Path, data: bytes, folder: str = "repo") -> DirFile:
    where = tmp_path / folder
    where.mkdir(parents=True, exist_ok=True)
    (where / ".awsprofile").write_bytes(data)
    return directory.load(str(where / ".awsprofile"))


@pytest.mark.parametrize(
    ("data", "name", "region"),
    [
        (b"static", "static", None),
        (b"static\n", "static", None),
        (b"  static  \r\n", "static", None),
        (b"\xef\xbb\xbfstatic\n", "static", None),  # a BOM from a Windows editor
        (b"static\n\n# the team's account\nregion = ap-south-1\n", "static", "ap-south-1"),
        (b"static\nregion=us-gov-west-1", "static", "us-gov-west-1"),
        (b"it's a \xc3\xa9 name\n", "it's a é name", None),
    ],
)
def test_what_a_file_may_say(tmp_path, data, name, region):
    choice = directory.parse(_file(tmp_path, data))
    assert (choice.name, choice.region) == (name, region)


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"", "the first line must name a profile"),
        (b"\nstatic\n", "the first line must name a profile"),
        (b"static\nregion = eu-west-1\nregion = eu-west-2\n", "line 3: a second region"),
        (b"static\nsso_session = x\n", "line 2: expected `region = NAME`"),
        (b"static\nregion =\n", "line 2: expected `region = NAME`"),
        (b"static\nregion = Mars\n", "line 2: invalid region 'Mars'"),
        (b"static\x00\n", "binary data"),
        (b"st\xffatic\n", "not UTF-8 text"),
        (b"sta\x1btic\n", "control characters"),
        (b"sta\ttic\n", "control characters"),
    ],
)
def test_what_a_file_may_not_say(tmp_path, data, said):
    f = _file(tmp_path, data)
    with pytest.raises(FileError) as exc:
        directory.parse(f)
    assert said in exc.value.message
    assert exc.value.message.startswith(str(tmp_path / "repo" / ".awsprofile"))
    assert "\n" not in exc.value.message and "\x1b" not in exc.value.message


def test_a_name_with_an_escape_is_shown_escaped_once(tmp_path):
    f = _file(tmp_path, b"sta\x1btic\n")
    with pytest.raises(FileError) as exc:
        directory.parse(f)
    # display() escapes the ESC once; repr() on top would double the backslash.
    assert "the profile name 'sta\\x1btic' has control characters" in exc.value.message
    assert "\\\\" not in exc.value.message


def test_reads_are_capped_and_never_block(tmp_path):
    big = tmp_path / "big"
    big.mkdir()
    (big / ".awsprofile").write_bytes(b"static\n" + b"#" * directory.LIMIT)
    with pytest.raises(directory.files.FileFault, match="larger than 4096 bytes"):
        directory.load(str(big / ".awsprofile"))
    fifo = tmp_path / "fifo"
    fifo.mkdir()
    os.mkfifo(fifo / ".awsprofile")
    with pytest.raises(directory.files.FileFault, match="FIFO"):
        directory.load(str(fifo / ".awsprofile"))
    assert directory.find(str(fifo)) is None  # not a file: the search skips it


def test_trust_is_path_and_exact_bytes_kept_private(sandbox, tmp_path):
    env = sandbox.env
    f = _file(tmp_path, b"static\n")
    assert not directory.is_allowed(f, env)
    directory.allow(f, env)
    assert directory.is_allowed(f, env)
    # One entry, 0600, in 0700 folders, naming the content's hash and the path.
    store = Path(env["XDG_DATA_HOME"]) / "awsswitch"
    (entry,) = (store / "allow").iterdir()
    assert stat.S_IMODE(store.stat().st_mode) == 0o700
    assert stat.S_IMODE((store / "allow").stat().st_mode) == 0o700
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    assert stat.S_IMODE((store / "trust-stamp").stat().st_mode) == 0o600
    assert entry.read_text() == f"{hashlib.sha256(b'static' + bytes([10])).hexdigest()}\n{f.key}\n"
    # Any change of a byte is another file.
    for changed in (b"static", b"static\n\n", b"Static\n"):
        assert not directory.is_allowed(_file(tmp_path, changed), env)
    assert directory.is_allowed(_file(tmp_path, b"static\n"), env)
    # The same bytes elsewhere are another file too.
    assert not directory.is_allowed(_file(tmp_path, b"static\n", "elsewhere"), env)


def test_a_forged_entry_is_ignored(sandbox, tmp_path):
    env = sandbox.env
    f = _file(tmp_path, b"static\n")
    directory.allow(f, env)
    (entry,) = (Path(env["XDG_DATA_HOME"]) / "awsswitch" / "allow").iterdir()
    os.chmod(entry, 0o666)  # writable by others: anyone could have written it
    assert not directory.is_allowed(f, env)


def test_deny_forgets_whatever_the_content_and_the_stamp_changes(sandbox, tmp_path):
    env = sandbox.env
    f = _file(tmp_path, b"static\n")
    assert directory.read_stamp(env) == ""
    directory.allow(f, env)
    first = directory.read_stamp(env)
    assert len(first) == 16
    changed = _file(tmp_path, b"awsprofile.home.poweruser\n")
    assert directory.deny(changed.key, env) is True
    assert directory.read_stamp(env) not in ("", first)
    assert not directory.is_allowed(f, env)
    assert directory.deny(f.key, env) is False


def test_the_key_resolves_the_folder_not_the_file(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (real / ".awsprofile").write_text("static\n")
    (tmp_path / "alias").symlink_to(real)
    other = tmp_path / "other"
    other.mkdir()
    (other / ".awsprofile").symlink_to(real / ".awsprofile")
    key = directory.key_of(str(real / ".awsprofile"))
    assert directory.key_of(str(tmp_path / "alias" / ".awsprofile")) == key
    assert directory.key_of(str(other / ".awsprofile")) == str(other / ".awsprofile")


def test_data_dir_follows_xdg_data_home_when_absolute(tmp_path):
    home = str(tmp_path)
    assert directory.data_dir({"HOME": home}) == f"{home}/.local/share/awsswitch"
    assert directory.data_dir({"HOME": home, "XDG_DATA_HOME": "rel"}) == (
        f"{home}/.local/share/awsswitch"
    )
    assert directory.data_dir({"HOME": home, "XDG_DATA_HOME": "/x/y"}) == "/x/y/awsswitch"


def test_target_is_the_nearest_file_or_the_file_named(tmp_path):
    (tmp_path / "repo" / "a" / "b").mkdir(parents=True)
    (tmp_path / "repo" / ".awsprofile").write_text("static\n")
    want = str(tmp_path / "repo" / ".awsprofile")
    assert directory.target(str(tmp_path / "repo" / "a" / "b")) == want
    assert directory.target(want) == want
    with pytest.raises(FileError, match=r"no \.awsprofile in"):
        directory.target(str(tmp_path))
    with pytest.raises(FileError, match="is not a folder"):
        directory.target(str(tmp_path / "missing"))
    # deny: a file that is gone is still named by its folder.
    gone = str(tmp_path / "gone" / ".awsprofile")
    assert directory.target(str(tmp_path / "gone"), must_exist=False) == gone


# -- the commands ------------------------------------------------------------------------


def _ctx(sandbox):
    import io

    out, err = io.StringIO(), io.StringIO()
    return Environment(sandbox.env, stdout=out, stderr=err), out, err


def test_allow_and_deny_commands(sandbox, tmp_path, monkeypatch):
    sandbox.write_config(CONFIG)
    f = _file(tmp_path, b"home.poweruser\nregion = us-east-2\n")
    monkeypatch.chdir(tmp_path / "repo")
    ctx, out, err = _ctx(sandbox)
    assert allow_cmd.allow(None, ctx=ctx) == 0
    assert out.getvalue() == f"allowed {f.key} (profile home.poweruser, region us-east-2)\n"
    assert err.getvalue() == ""
    assert directory.is_allowed(f, sandbox.env)
    ctx, out, err = _ctx(sandbox)
    assert allow_cmd.deny(str(tmp_path / "repo"), ctx=ctx) == 0
    assert out.getvalue() == f"denied {f.key}\n"
    ctx, out, err = _ctx(sandbox)
    assert allow_cmd.deny(str(tmp_path / "repo"), ctx=ctx) == 0
    assert err.getvalue() == f"awsswitch: {f.key} was not allowed; nothing to do\n"


def test_allow_refuses_a_file_that_says_nothing_usable(sandbox, tmp_path):
    sandbox.write_config(CONFIG)
    f = _file(tmp_path, b"static\nregion = nowhere\n")
    ctx, out, _ = _ctx(sandbox)
    with pytest.raises(FileError, match="invalid region"):
        allow_cmd.allow(str(tmp_path / "repo"), ctx=ctx)
    assert not directory.is_allowed(f, sandbox.env) and out.getvalue() == ""


def test_allow_notes_a_name_that_is_no_profile_yet(sandbox, tmp_path):
    sandbox.write_config(CONFIG)
    f = _file(tmp_path, b"later\n")
    ctx, _, err = _ctx(sandbox)
    assert allow_cmd.allow(str(tmp_path / "repo"), ctx=ctx) == 0
    assert err.getvalue() == (f"awsswitch: note: {f.path}: no profile named 'later'\n")
    assert directory.is_allowed(f, sandbox.env)


def test_allow_reports_an_unwritable_store_in_one_line(sandbox, tmp_path):
    sandbox.write_config(CONFIG)
    _file(tmp_path, b"static\n")
    blocker = tmp_path / "data"
    blocker.write_text("a file where the folder should be")
    env = {**sandbox.env, "XDG_DATA_HOME": str(blocker)}
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from awsswitch.__main__ import main; import sys\n"
            "from awsswitch.commands import allow\nfrom awsswitch.errors import report\n"
            f"try: allow.allow({str(tmp_path / 'repo')!r})\nexcept Exception as e: "
            "sys.exit(report(e))",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("awsswitch: cannot ")

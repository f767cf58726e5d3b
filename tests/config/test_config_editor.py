"""Round-trip editing: only the intended bytes change, and botocore reads the intended values."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import botocore.configloader
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from awsswitch.config import editor, reader
from awsswitch.config.editor import PROFILE, RAW, SERVICES, SSO_SESSION, Document
from awsswitch.errors import AwsswitchError, ConfigParseError, UsageError

CORPUS = Path(__file__).parents[1] / "data" / "configs"


def _doc(name: str) -> tuple[bytes, Document]:
    data = (CORPUS / name).read_bytes()
    return data, Document.parse(data, name)


def _botocore(data: bytes, tmp: Path) -> dict[str, Any]:
    tmp.write_bytes(data)
    return botocore.configloader.load_config(str(tmp))


# Each case: corpus file, the edit, and the whole expected file as a function of the original.
Case = tuple[str, Callable[[Document], Any], Callable[[str], str]]


def _long_config() -> str:
    out = ["# generated: a very long config\n"]
    for i in range(2000):
        out.append(
            f"\n# account {i}\n[profile org.acct{i:04d}.admin]\nsso_session = corp\n"
            f"sso_account_id = {i:012d}\nsso_role_name = Admin\nregion = eu-west-1\n"
        )
    out.append("\n[sso-session corp]\nsso_start_url = https://d-1.awsapps.com/start\n")
    return "".join(out)


CASES: list[Case] = [
    (
        "rw01-seed.ini",
        lambda d: d.update(PROFILE, "awsprofile.home.poweruser", {"region": "eu-central-1"}),
        lambda t: t.replace("\nregion = eu-west-1\n", "\nregion = eu-central-1\n"),
    ),
    (
        "rw02-comments-everywhere.ini",
        lambda d: d.update(PROFILE, "work", {"sso_role_name": "Admin", "output": "text"}),
        lambda t: t.replace("sso_role_name = ReadOnly\n", "sso_role_name = Admin\noutput = text\n"),
    ),
    (
        "rw03-nested-s3.ini",
        lambda d: (
            d.update(
                PROFILE,
                "default",
                {"s3": {"addressing_style": "virtual", "payload_signing_enabled": "true"}},
            ),
            d.update(PROFILE, "transfer", {"s3": {"use_accelerate_endpoint": "false"}}),
        ),
        lambda t: t.replace(
            "    addressing_style = path\n",
            "    addressing_style = virtual\n    payload_signing_enabled = true\n",
        ).replace("use_accelerate_endpoint = true", "use_accelerate_endpoint = false"),
    ),
    (
        "rw04-services.ini",
        lambda d: (
            d.update(SERVICES, "local-stack", {"sso": {"endpoint_url": "http://127.0.0.1:9000"}}),
            d.update(PROFILE, "local", {"endpoint_url": None}),
        ),
        lambda t: t.replace("endpoint_url = http://localhost:4566\n", "", 1).replace(
            "sso =\n  endpoint_url = http://127.0.0.1:8000",
            "sso =\n  endpoint_url = http://127.0.0.1:9000",
        ),
    ),
    (
        "rw05-crlf.ini",
        lambda d: (
            d.update(PROFILE, "win", {"sso_role_name": "ReadOnly"}),
            d.update(
                SSO_SESSION,
                "new",
                {"sso_start_url": "https://new.awsapps.com/start", "sso_region": "us-east-1"},
            ),
        ),
        lambda t: (
            t.replace("sso_role_name = Admin\r\n", "sso_role_name = ReadOnly\r\n")
            + "\r\n[sso-session new]\r\nsso_start_url = https://new.awsapps.com/start\r\n"
            "sso_region = us-east-1\r\n"
        ),
    ),
    (
        "rw06-no-trailing-newline.ini",
        lambda d: d.update(PROFILE, "last", {"output": "json"}),
        lambda t: t.replace("output = table", "output = json"),
    ),
    (
        "rw06-no-trailing-newline.ini",
        lambda d: d.update(PROFILE, "new", {"region": "us-east-2"}),
        lambda t: t + "\n\n[profile new]\nregion = us-east-2\n",
    ),
    (
        "rw07-unicode.ini",
        lambda d: d.update(PROFILE, "開発", {"region": "ap-northeast-3", "note": "東京 → 大阪"}),
        lambda t: t.replace(
            "region = ap-northeast-1\n", "region = ap-northeast-3\nnote = 東京 → 大阪\n"
        ),
    ),
    (
        "rw09-legacy-and-roles.ini",
        lambda d: d.remove_section(PROFILE, "ec2"),
        lambda t: t[: t.index("\n[profile ec2]")],
    ),
    (
        "rw09-legacy-and-roles.ini",
        lambda d: d.remove_section(PROFILE, "base"),
        lambda t: t.replace("[profile base]\naws_access_key_id = AKIAEXAMPLE\n\n", ""),
    ),
    (
        "rw10-mixed-case.ini",
        lambda d: (
            d.update(PROFILE, "default", {"region": "eu-west-1", "output": "yaml"}),
            d.update(PROFILE, "default", {"cli_pager": "less", "sso_session": "corp"}),
            d.update(SSO_SESSION, "corp", {"sso_start_url": "https://new.awsapps.com/start"}),
        ),
        lambda t: (
            t.replace("Region = us-east-1", "Region = eu-west-1")
            .replace("OUTPUT=json", "OUTPUT=yaml")
            .replace("cli_pager:\n", "cli_pager: less\n")
            .replace(
                "SSO_Start_URL = https://corp.awsapps.com/start",
                "SSO_Start_URL = https://new.awsapps.com/start",
            )
        ),
    ),
    (
        "rw11-default-sections.ini",
        lambda d: d.update(PROFILE, "default", {"region": "ap-south-1"}),
        lambda t: t.replace("region = eu-north-1\n", "region = ap-south-1\n"),
    ),
    (
        "rw12-indented.ini",
        lambda d: (
            d.update(PROFILE, "ind", {"output": "json"}),
            d.update(PROFILE, "default", {"cli_pager": "less"}),
        ),
        lambda t: t.replace("  output = json\n", "  output = json\n  cli_pager = less\n").replace(
            "        addressing_style = virtual\n",
            "        addressing_style = virtual\n    output = json\n",
        ),
    ),
    (
        "rw13-tabs.ini",
        lambda d: (
            d.update(PROFILE, "default", {"region": "eu-west-1"}),
            d.update(PROFILE, "tab", {"s3": {"addressing_style": "virtual"}}),
        ),
        lambda t: t.replace("region\t=\tus-east-1", "region\t=\teu-west-1").replace(
            "\t\taddressing_style = path", "\t\taddressing_style = virtual"
        ),
    ),
    (
        "rw14-plugins.ini",
        lambda d: (
            d.update(RAW, "plugins", {"endpoint": "other_plugin"}),
            d.update(PROFILE, "default", {"output": "json"}),
        ),
        lambda t: t.replace("endpoint = awscli_plugin_endpoint", "endpoint = other_plugin").replace(
            "some_unknown_key = keep me\n", "some_unknown_key = keep me\noutput = json\n"
        ),
    ),
    (
        "rw15-quoted-names.ini",
        lambda d: (
            d.update(PROFILE, "my team", {"region": "us-east-2"}),
            d.update(PROFILE, "new one", {"region": "sa-east-1"}),
        ),
        lambda t: (
            t.replace('"my team"]\nregion = us-east-1', '"my team"]\nregion = us-east-2')
            + "\n[profile 'new one']\nregion = sa-east-1\n"
        ),
    ),
    (
        "rw16-process.ini",
        lambda d: d.update(PROFILE, "granted", {"region": "eu-west-2"}),
        lambda t: t.replace(
            "granted_sso_region = us-east-1\n",
            "granted_sso_region = us-east-1\nregion = eu-west-2\n",
        ),
    ),
]


@pytest.mark.parametrize(
    ("name", "edit", "expect"), CASES, ids=[f"{i:02d}-{c[0]}" for i, c in enumerate(CASES)]
)
def test_round_trip_changes_only_intended_bytes(
    name: str,
    edit: Callable[[Document], Any],
    expect: Callable[[str], str],
    tmp_path: Path,
) -> None:
    data, doc = _doc(name)
    original = data.decode("utf-8")
    edit(doc)
    doc.verify()
    expected = expect(original)
    assert expected != original  # the case really edits something
    assert doc.to_bytes() == expected.encode("utf-8")
    # And botocore reads the edited file without complaint.
    _botocore(doc.to_bytes(), tmp_path / "out.ini")


def test_enough_real_world_round_trips() -> None:
    assert len({c[0] for c in CASES}) >= 12


def test_very_long_file(tmp_path: Path) -> None:
    original = _long_config()
    doc = Document.from_text(original)
    doc.update(PROFILE, "org.acct1234.admin", {"region": "us-east-1", "output": "json"})
    doc.update(SSO_SESSION, "corp", {"sso_region": "us-east-1"})
    doc.update(PROFILE, "appended", {"sso_session": "corp"})
    doc.verify()
    old = "sso_account_id = 000000001234\nsso_role_name = Admin\nregion = eu-west-1\n"
    new = (
        "sso_account_id = 000000001234\nsso_role_name = Admin\nregion = us-east-1\noutput = json\n"
    )
    expected = (
        original.replace(old, new)
        + "sso_region = us-east-1\n"
        + "\n[profile appended]\nsso_session = corp\n"
    )
    assert doc.text == expected
    config = _botocore(doc.to_bytes(), tmp_path / "long.ini")
    assert config["profiles"]["org.acct1234.admin"]["region"] == "us-east-1"
    assert len(config["profiles"]) == 2001


# -- smaller behaviours ----------------------------------------------------------------------


def test_same_value_changes_nothing() -> None:
    text = "[default]\nregion   =    us-east-1   \nREGION2:x\n"
    doc = Document.from_text(text)
    assert doc.update(PROFILE, "default", {"Region": "us-east-1", "region2": "x"}) is False
    assert doc.text == text
    assert not doc.changed


def test_keys_match_case_insensitively_never_duplicate() -> None:
    doc = Document.from_text("[default]\nRegion = us-east-1\n")
    doc.update(PROFILE, "default", {"region": "eu-west-1"})
    assert doc.text == "[default]\nRegion = eu-west-1\n"
    doc.update(PROFILE, "default", {"REGION": "eu-west-2"})
    assert doc.text == "[default]\nRegion = eu-west-2\n"
    doc.verify()


def test_replacing_a_value_drops_its_continuation_but_keeps_comments() -> None:
    doc = Document.from_text("[a]\nk = v\n  more\n  # note\n\n  still\nnext = 1\n")
    doc.update(RAW, "a", {"k": "new"})
    assert doc.text == "[a]\nk = new\n  # note\nnext = 1\n"
    doc.verify()


def test_remove_key_and_nested_subkeys() -> None:
    text = "[a]\ns3 =\n  x = 1\n  y = 2\nregion = r\n"
    doc = Document.from_text(text)
    doc.update(RAW, "a", {"s3": {"x": None}})
    assert doc.text == "[a]\ns3 =\n  y = 2\nregion = r\n"
    doc.update(RAW, "a", {"s3": {"y": None}})
    assert doc.text == "[a]\ns3 =\nregion = r\n"
    assert doc.get(RAW, "a") == {"s3": "", "region": "r"}
    doc.update(RAW, "a", {"s3": None, "region": None, "absent": None})
    assert doc.text == "[a]\n"
    doc.verify()


def test_nested_block_created_and_scalar_converted() -> None:
    doc = Document.from_text("[a]\nregion = r\ns3 = flat\n\n[b]\n")
    doc.update(RAW, "a", {"s3": {"addressing_style": "path"}})
    doc.update(RAW, "b", {"s3": {"addressing_style": "virtual", "skip": None}})
    assert doc.text == (
        "[a]\nregion = r\ns3 =\n    addressing_style = path\n\n"
        "[b]\ns3 =\n    addressing_style = virtual\n"
    )
    doc.verify()


def test_new_section_spacing() -> None:
    doc = Document.from_text("")
    doc.update(PROFILE, "a", {"region": "r"})
    assert doc.text == "[profile a]\nregion = r\n"
    doc = Document.from_text("[x]\nk = v\n\n")  # already ends with a blank line
    doc.update(PROFILE, "a", {"region": "r"})
    assert doc.text == "[x]\nk = v\n\n[profile a]\nregion = r\n"
    doc = Document.from_text("# only a comment")
    doc.update(PROFILE, "default", {"region": "r"})
    assert doc.text == "# only a comment\n\n[default]\nregion = r\n"


def test_add_then_remove_restores_the_bytes() -> None:
    original = (CORPUS / "rw02-comments-everywhere.ini").read_text(encoding="utf-8")
    doc = Document.from_text(original)
    doc.update(PROFILE, "temp", {"region": "r", "s3": {"a": "b"}})
    assert doc.changed
    doc.remove_section(PROFILE, "temp")
    assert doc.text == original
    assert not doc.remove_section(PROFILE, "temp")


def test_remove_first_section_collapses_blank_line() -> None:
    doc = Document.from_text("[a]\nk = 1\n\n[b]\nk = 2\n")
    doc.remove_section(RAW, "a")
    assert doc.text == "[b]\nk = 2\n"
    doc = Document.from_text("[a]\nk = 1\n# about b\n[b]\nk = 2\n")
    doc.remove_section(RAW, "a")
    assert doc.text == "# about b\n[b]\nk = 2\n"
    doc.verify()


def test_the_section_botocore_uses_is_the_one_edited() -> None:
    text = "[profile default]\nregion = a\n\n[default]\nregion = b\n"
    doc = Document.from_text(text)
    doc.update(PROFILE, "default", {"region": "c"})
    assert doc.text == "[profile default]\nregion = a\n\n[default]\nregion = c\n"
    views = doc.sections()
    assert [(v.header, v.effective) for v in views] == [
        ("profile default", False),
        ("default", True),
    ]
    doc = Document.from_text("[profile a]\nx = 1\n[profile 'a']\nx = 2\n[profile a b]\n")
    doc.update(PROFILE, "a", {"x": "3"})
    assert doc.text == "[profile a]\nx = 1\n[profile 'a']\nx = 3\n[profile a b]\n"
    assert doc.sections()[2].kind is None  # botocore ignores [profile a b]


def test_new_key_does_not_swallow_an_indented_next_header() -> None:
    # `    [b]` is a header only because [a] has no key yet; a new key at column 0 would make
    # it a continuation line. The editor indents the new key to keep it a header.
    doc = Document.from_text("[a]\n    [b]\n    k = 1\n")
    doc.update(RAW, "a", {"x": "1"})
    doc.verify()
    assert doc.get(RAW, "b") == {"k": "1"}
    assert doc.get(RAW, "a") == {"x": "1"}


def test_removal_keeps_an_indented_next_header_a_header() -> None:
    text = "[a]\nregion = v\n[profile default]\n [sso-session s]\n region = v"
    doc = Document.from_text(text)
    doc.remove_section(PROFILE, "default")
    doc.verify()
    assert doc.text == "[a]\nregion = v\n[sso-session s]\n region = v"


@pytest.mark.parametrize(
    "name", ["my prof", "it's", 'say "hi"', "back\\slash", "tab\tbed", "日本", "default", "x"]
)
def test_headers_for_odd_names_read_back_in_botocore(name: str, tmp_path: Path) -> None:
    # The editor writes any name botocore can read back; `validate.section_name` is stricter.
    doc = Document.from_text("[profile z]\nregion = z\n")
    doc.update(PROFILE, name, {"region": "r"})
    doc.update(SSO_SESSION, name, {"sso_region": "us-east-1"})
    config = _botocore(doc.to_bytes(), tmp_path / "names.ini")
    assert config["profiles"][name] == {"region": "r"}
    assert config["sso_sessions"][name] == {"sso_region": "us-east-1"}


def test_header_for() -> None:
    assert editor.header_for(PROFILE, "default") == "default"
    assert editor.header_for(PROFILE, "a.b") == "profile a.b"
    assert editor.header_for(PROFILE, "a b") == "profile 'a b'"
    assert editor.header_for(SSO_SESSION, "corp") == "sso-session corp"
    assert editor.header_for(SERVICES, "x") == "services x"
    with pytest.raises(UsageError):
        editor.header_for(RAW, "profile x")  # botocore would file it as a profile
    with pytest.raises(UsageError):
        editor.header_for(RAW, "DEFAULT")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"": "x"}, "empty"),
        ({"a=b": "x"}, "'=' and ':'"),
        ({"#k": "x"}, "not read as a key"),
        ({" k": "x"}, "whitespace"),
        ({"k": " x"}, "surrounding whitespace"),
        ({"k": "a\nb"}, "U+000A"),
        ({"k": {"s=t": "x"}}, "'=' and ':'"),
        ({"k": {"s": "x\r"}}, "U+000D"),
    ],
)
def test_invalid_keys_and_values_are_refused(values: dict[str, Any], message: str) -> None:
    doc = Document.from_text("[a]\n")
    with pytest.raises(UsageError, match=re.escape(message)):
        doc.update(RAW, "a", values)
    assert not doc.changed


def test_find_marked_and_sections() -> None:
    doc = Document.from_text(
        "[profile a]\nawsswitch_generated = corp\n[profile b]\nregion = x\n"
        "[profile c]\nAWSSWITCH_GENERATED = other\n[sso-session corp]\nsso_region = r\n"
    )
    assert [s.name for s in doc.find_marked("awsswitch_generated")] == ["a", "c"]
    assert [s.name for s in doc.find_marked("awsswitch_generated", "corp")] == ["a"]
    assert [(s.kind, s.name, s.lineno) for s in doc.sections()] == [
        (PROFILE, "a", 1),
        (PROFILE, "b", 3),
        (PROFILE, "c", 5),
        (SSO_SESSION, "corp", 7),
    ]
    found = doc.find(SSO_SESSION, "corp")
    assert found is not None and found.values == {"sso_region": "r"}
    assert doc.find(PROFILE, "zzz") is None


def test_update_without_create() -> None:
    doc = Document.from_text("")
    with pytest.raises(AwsswitchError, match="no \\[profile a\\]"):
        doc.update(PROFILE, "a", {"region": "r"}, create=False)


def test_unparseable_text_is_refused_with_the_line() -> None:
    with pytest.raises(ConfigParseError) as info:
        Document.from_text("[a]\nk = 1\nk = 2\n", "cfg")
    assert info.value.lineno == 3


def test_diff_for_dry_run() -> None:
    doc = Document.from_text("[default]\nregion = a\n", "config")
    doc.update(PROFILE, "default", {"region": "b"})
    diff = doc.diff()
    assert "-region = a\n" in diff and "+region = b\n" in diff
    assert diff.startswith("--- config (current)\n+++ config (new)\n")


RENAME_TEXT = (
    "# top\n"
    "[profile keep]\n"
    "  region = us-east-1\n"  # so that the indented header below is still a header
    "\n"
    "# about old: stays above it\n"
    "  [profile old]   ; text after the bracket is ignored by botocore\n"
    "  sso_session = corp\n"
    "  # a comment inside the section\n"
    "  output = table\n"
    "  s3 =\n"
    "      addressing_style = path\n"
    "  region = eu-west-1\n"
    "\n"
    "[sso-session corp]\n"
    "sso_region = eu-west-1"  # no final newline
)


def _only_header_changed(before: str, after: str, old_line: str, new_line: str) -> None:
    a, b = before.splitlines(keepends=True), after.splitlines(keepends=True)
    assert len(a) == len(b)
    changed = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    assert changed == [(old_line, new_line)]


def test_rename_section_rewrites_only_the_header_line(tmp_path: Path) -> None:
    doc = Document.from_text(RENAME_TEXT)
    before = doc.get(PROFILE, "old")
    assert doc.rename_section(PROFILE, "old", "new") is True
    doc.verify()
    _only_header_changed(
        RENAME_TEXT,
        doc.text,
        "  [profile old]   ; text after the bracket is ignored by botocore\n",
        "  [profile new]   ; text after the bracket is ignored by botocore\n",
    )
    assert doc.get(PROFILE, "old") is None
    assert doc.get(PROFILE, "new") == before
    assert [s.name for s in doc.sections()] == ["keep", "new", "corp"]  # still in place
    config = _botocore(doc.to_bytes(), tmp_path / "renamed.ini")
    assert config["profiles"]["new"] == {
        "sso_session": "corp",
        "output": "table",
        "s3": {"addressing_style": "path"},
        "region": "eu-west-1",
    }
    assert "old" not in config["profiles"]


def test_rename_section_keeps_crlf_and_then_edits_the_renamed_section(tmp_path: Path) -> None:
    original = RENAME_TEXT.replace("\n", "\r\n")
    doc = Document.parse(original.encode("utf-8"), "crlf.ini")
    doc.rename_section(PROFILE, "old", "new")
    _only_header_changed(
        original,
        doc.text,
        "  [profile old]   ; text after the bracket is ignored by botocore\r\n",
        "  [profile new]   ; text after the bracket is ignored by botocore\r\n",
    )
    doc.update(PROFILE, "new", {"region": "ap-southeast-2"}, create=False)
    doc.verify()
    assert doc.text == original.replace("[profile old]", "[profile new]").replace(
        "  region = eu-west-1\r\n", "  region = ap-southeast-2\r\n"
    )
    config = _botocore(doc.to_bytes(), tmp_path / "crlf.ini")
    assert config["profiles"]["new"]["region"] == "ap-southeast-2"
    assert config["profiles"]["new"]["s3"] == {"addressing_style": "path"}


@pytest.mark.parametrize(
    ("text", "kind", "old", "new", "header"),
    [
        ("[profile 'old one']\nregion = r\n", PROFILE, "old one", "new one", "profile 'new one'"),
        ('[profile "a b"]\nregion = r\n', PROFILE, "a b", "plain", "profile plain"),
        ("[profile x]\nregion = r\n", PROFILE, "x", "it's", "profile 'it'\"'\"'s'"),
        ("[profile x]\nregion = r\n", PROFILE, "x", "default", "default"),
        ("[default]\nregion = r\n", PROFILE, "default", "x", "profile x"),
        ("[sso-session a]\nsso_region = r\n", SSO_SESSION, "a", "b c", "sso-session 'b c'"),
        ("[plugins]\nx = 1\n", RAW, "plugins", "other", "other"),
    ],
)
def test_rename_section_quotes_names_as_header_for_does(
    text: str, kind: str, old: str, new: str, header: str, tmp_path: Path
) -> None:
    doc = Document.from_text(text)
    before = doc.get(kind, old)
    doc.rename_section(kind, old, new)
    doc.verify()
    assert header == editor.header_for(kind, new)
    assert doc.text == f"[{header}]" + text[text.index("]") + 1 :]
    assert doc.get(kind, new) == before and doc.get(kind, old) is None
    raw = botocore.configloader.raw_config_parse(str(_write(tmp_path, doc)))
    assert list(raw) == [header]


def _write(tmp: Path, doc: Document) -> Path:
    path = tmp / "out.ini"
    path.write_bytes(doc.to_bytes())
    return path


def test_rename_section_refuses_an_existing_name_and_a_missing_section() -> None:
    # [profile default] is shadowed by [default] but still maps to the name: refused too.
    text = "[profile a]\nregion = r\n[profile b]\n[profile default]\n[default]\n"
    doc = Document.from_text(text)
    for taken in ("b", "default"):
        with pytest.raises(AwsswitchError, match="already exists"):
            doc.rename_section(PROFILE, "a", taken)
    with pytest.raises(AwsswitchError, match=r"no \[profile zzz\]"):
        doc.rename_section(PROFILE, "zzz", "c")
    assert doc.rename_section(PROFILE, "a", "a") is False
    assert doc.text == text and not doc.changed


def test_rename_then_other_edits_verify_in_file_order() -> None:
    doc = Document.from_text(_long_config())
    for i in range(0, 2000, 7):
        doc.rename_section(PROFILE, f"org.acct{i:04d}.admin", f"org.renamed{i:04d}.admin")
    doc.remove_section(PROFILE, "org.acct0001.admin")
    doc.update(PROFILE, "org.renamed0007.admin", {"output": "json"})
    doc.update(PROFILE, "appended", {"region": "r"})
    doc.rename_section(PROFILE, "appended", "org.acct0000.admin")  # a name freed by a rename
    doc.verify()
    names = [s.name for s in doc.sections() if s.kind == PROFILE]
    assert names[:3] == ["org.renamed0000.admin", "org.acct0002.admin", "org.acct0003.admin"]
    assert names[-1] == "org.acct0000.admin"
    assert doc.text.count("[profile org.renamed") == len(range(0, 2000, 7))


# -- generated documents and edits, checked against botocore itself ---------------------------

_HEADERS = ["default", "profile default", "profile a", "profile 'a'", "sso-session s", "x"]
_TARGETS = [(PROFILE, "default"), (PROFILE, "a"), (PROFILE, "n b"), (SSO_SESSION, "s"), (RAW, "x")]


@st.composite
def documents(draw: st.DrawFn) -> str:
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    out: list[str] = []
    if draw(st.booleans()):
        out.append("# preamble")
    for header in draw(st.lists(st.sampled_from(_HEADERS), max_size=5, unique=True)):
        lead = draw(st.sampled_from(["", "", " "]))
        out.append(f"{lead}[{header}]" + draw(st.sampled_from(["", " ; c"])))
        for key in draw(st.lists(st.sampled_from(["region", "Output", "s3", "k"]), unique=True)):
            klead = lead + draw(st.sampled_from(["", "", "  "]))
            delim = draw(st.sampled_from([" = ", "=", ": "]))
            if key == "s3" and draw(st.booleans()):
                out.append(f"{klead}{key}{delim}".rstrip())
                for sub in draw(st.lists(st.sampled_from(["x", "y"]), min_size=1, unique=True)):
                    out.append(f"{klead}    {sub} = {draw(st.sampled_from(['1', '2']))}")
            else:
                out.append(f"{klead}{key}{delim}{draw(st.sampled_from(['v', 'w', '']))}")
            if draw(st.integers(0, 3)) == 0:
                out.append(draw(st.sampled_from(["", "# c", "  ; c", "   "])))
        if draw(st.booleans()):
            out.append("")
    text = eol.join(out)
    if out and draw(st.booleans()):
        text += eol
    return text


_OPS = st.one_of(
    st.tuples(
        st.just("update"),
        st.sampled_from(_TARGETS),
        st.dictionaries(
            st.sampled_from(["region", "OUTPUT", "s3", "k", "new"]),
            st.one_of(
                st.none(),
                st.sampled_from(["v", "z", ""]),
                st.dictionaries(
                    st.sampled_from(["x", "y", "q"]), st.one_of(st.none(), st.just("3"))
                ),
            ),
            max_size=3,
        ),
    ),
    st.tuples(st.just("remove"), st.sampled_from(_TARGETS), st.just({})),
    st.tuples(
        st.just("rename"), st.sampled_from(_TARGETS), st.sampled_from(["default", "a", "n b", "z"])
    ),
)


def _effective_header(raw: dict[str, Any], kind: str, name: str) -> str | None:
    found = None
    for header in raw:
        target = reader.section_target(header)
        group = {"profiles": PROFILE, "sso_sessions": SSO_SESSION, "services": SERVICES, "": RAW}
        if target is not None and (group[target[0]], target[1]) == (kind, name):
            found = header
    return found


def _apply_to_dicts(raw: dict[str, Any], op: str, kind: str, name: str, values: Any) -> None:
    """The oracle: the same edit on botocore's raw_config_parse result."""
    header = _effective_header(raw, kind, name)
    if op == "rename":
        # Refused (and nothing changes) when there is no such section, the name is taken or
        # it has no header; otherwise the same section, same place, under the new header.
        if header is None or values == name:
            return
        new = editor.header_for(kind, values)
        if _effective_header(raw, kind, values) is not None:
            return
        for key in list(raw):  # rebuild in order, the renamed section where it was
            raw[new if key == header else key] = raw.pop(key)
        return
    if op == "remove":
        if header is not None:
            del raw[header]
        return
    if header is None:
        if all(v is None for v in values.values()):
            return
        header = editor.header_for(kind, name)
        raw[header] = {}
    section = raw[header]
    for key, val in values.items():
        key = key.lower()
        if val is None:
            section.pop(key, None)
        elif isinstance(val, str):
            section[key] = val
        else:
            current = section.get(key)
            wanted = {k: v for k, v in val.items() if v is not None}
            if not isinstance(current, dict):
                if wanted:
                    section[key] = wanted
                continue
            for k, v in val.items():
                if v is None:
                    current.pop(k, None)
                else:
                    current[k] = v
            if not current:
                section[key] = ""


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=documents(), ops=st.lists(_OPS, max_size=4))
def test_generated_edits_read_back_in_botocore(sandbox: Any, text: str, ops: list[Any]) -> None:
    path = sandbox.home / "gen.ini"
    path.write_bytes(text.encode("utf-8"))
    try:
        raw = botocore.configloader.raw_config_parse(str(path))
    except botocore.exceptions.ConfigParseError:
        assume(False)
    doc = Document.parse(text.encode("utf-8"), str(path))
    for op, (kind, name), values in ops:
        if op == "remove":
            doc.remove_section(kind, name)
        elif op == "rename":
            before = doc.text
            try:
                doc.rename_section(kind, name, values)
            except AwsswitchError:
                assert doc.text == before  # refused: nothing changed
                with contextlib.suppress(UsageError):
                    _apply_to_dicts(raw, op, kind, name, values)
                continue
        else:
            doc.update(kind, name, values)
        _apply_to_dicts(raw, op, kind, name, values)
    doc.verify()
    path.write_bytes(doc.to_bytes())
    got = botocore.configloader.raw_config_parse(str(path))
    assert list(got) == list(raw)
    assert got == raw
    if not ops:
        assert doc.to_bytes() == text.encode("utf-8")


# -- files: refusal, dry run, write ------------------------------------------------------------


def test_edit_config_refuses_unparseable_file_and_changes_nothing(sandbox: Any) -> None:
    bad = b"[profile a]\r\nregion = x\r\n[profile a]\r\n"
    sandbox.config.write_bytes(bad)
    os.chmod(sandbox.config, 0o640)
    before = os.stat(sandbox.config)
    with pytest.raises(ConfigParseError) as info:
        editor.edit_config(str(sandbox.config), lambda d: d.update(PROFILE, "b", {"region": "y"}))
    assert info.value.lineno == 3
    assert sandbox.config.read_bytes() == bad
    after = os.stat(sandbox.config)
    assert (after.st_ino, after.st_mode, after.st_mtime_ns) == (
        before.st_ino,
        before.st_mode,
        before.st_mtime_ns,
    )
    assert sorted(p.name for p in sandbox.config.parent.iterdir()) == ["config"]


def test_edit_config_dry_run_writes_nothing(sandbox: Any) -> None:
    sandbox.write_config("[default]\nregion = a\n")
    result = editor.edit_config(
        str(sandbox.config),
        lambda d: d.update(PROFILE, "default", {"region": "b"}),
        dry_run=True,
    )
    assert result.changed and result.written is None
    assert result.after == b"[default]\nregion = b\n"
    assert sandbox.config.read_text() == "[default]\nregion = a\n"


def test_edit_config_unchanged_does_not_rewrite(sandbox: Any) -> None:
    sandbox.write_config("[default]\nregion = a\n")
    ino = os.stat(sandbox.config).st_ino
    result = editor.edit_config(
        str(sandbox.config), lambda d: d.update(PROFILE, "default", {"region": "a"})
    )
    assert not result.changed and result.written is None
    assert os.stat(sandbox.config).st_ino == ino


def test_diff_of_many_edits_applies_with_patch(sandbox: Any) -> None:
    import subprocess

    from support.sandbox import require

    patch = require("patch")
    original = _long_config() + "[profile tail]\nregion = x"  # no final newline
    doc = Document.from_text(original, "config")
    for i in range(0, 2000, 7):
        doc.update(PROFILE, f"org.acct{i:04d}.admin", {"region": "us-east-1"})
    for i in range(1000, 1100):
        doc.remove_section(PROFILE, f"org.acct{i:04d}.admin")
    doc.update(PROFILE, "tail", {"output": "json"})
    doc.update(PROFILE, "new", {"sso_session": "corp"})
    doc.verify()
    diff = doc.diff()
    assert "\\ No newline at end of file" in diff
    (sandbox.home / "orig").write_text(original, encoding="utf-8")
    (sandbox.home / "p.diff").write_text(diff, encoding="utf-8")
    subprocess.run(
        [patch, "-s", "-o", str(sandbox.home / "new"), str(sandbox.home / "orig"),
         str(sandbox.home / "p.diff")],
        check=True,
    )  # fmt: skip
    assert (sandbox.home / "new").read_text(encoding="utf-8") == doc.text
    assert editor.unified_diff("same", "same", "a", "b") == ""

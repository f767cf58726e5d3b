"""The cold switch's fast paths give exactly what the plain code they replaced gives.

The config reader reads most sections a whole section at a time
(`reader._read_sections_fast`) and hands the others to the general line loop
(`reader._Reader`); the profile index is built a field at a time (`profiles._columns`) and
profiles are tuples (`record.TupleRecord`). Each is checked here against the plain version, on
chosen and generated input, errors and their line numbers included. test_config_reader.py checks
the reader against botocore itself.
"""

from __future__ import annotations

import os
import pickle
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from awsswitch.config import profiles, reader
from awsswitch.errors import ConfigParseError
from awsswitch.record import Record, TupleRecord

EXAMPLES = int(os.environ.get("AWSSWITCH_HYPOTHESIS_EXAMPLES", "400"))


def _ordered(value: Any) -> Any:
    """Nested dicts as lists of items: equality then includes the order (botocore's order)."""
    if isinstance(value, dict):
        return [(k, _ordered(v)) for k, v in value.items()]
    if isinstance(value, tuple):
        return tuple(_ordered(v) for v in value)
    return value


def _outcome(parse: Any, text: str) -> Any:
    try:
        return ("ok", _ordered(parse(text)))
    except ConfigParseError as exc:
        return ("error", exc.lineno, exc.reason)


def _fast(text: str) -> Any:
    return reader._parse(text, "<test>")


def _general(text: str) -> Any:
    general = reader._Reader("<test>")
    general.feed(text.split("\n"), 1)
    return general.finish()


def _same(text: str) -> None:
    assert _outcome(_fast, text) == _outcome(_general, text)


# -- the reader --------------------------------------------------------------------------------

SYNCED = "".join(
    f"\n[profile org.acct{i:04d}.{role}]\nsso_session = corp\nsso_account_id = {i:012d}\n"
    f"sso_role_name = {role}\nregion = eu-west-1\noutput = json\n"
    for i in range(40)
    for role in ("admin", "readonly")
)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n",
        "[a]",
        "[a]\n",
        "[a]\nx = 1",
        "[a]\nx = 1\n\n\n",
        "# top\n\n[a]\nx = 1\n[b]\ny = 2\n",
        "[sso-session corp]\nsso_start_url = https://x/start\nsso_region = eu-west-1\n" + SYNCED,
        # Each irregular section among regular ones: the general loop reads it, in its place.
        SYNCED + "\n[profile n]\ns3 =\n  addressing_style = path\nregion = x\n" + SYNCED[:400],
        SYNCED + "[profile c]\n# a comment\nregion = x\n\n; another\noutput = json\n",
        SYNCED + "[profile c]\nregion = x\n  continued\n\n  more\n[profile d]\nx = 1\n",
        SYNCED + "[profile u]\nRegion = x\nREGION = y\n",  # duplicate once lower-cased
        SYNCED + "[profile u]\nRegion = x\n",
        SYNCED + "[profile w]\nregion=x\nout:json\nk  =  v \nk2 =\n",
        SYNCED + "[profile t]\n\tregion = x\n  output = json\n",
        SYNCED + "[DEFAULT]\noutput = text\ns3 =\n  x = 1\n" + SYNCED[:300],
        SYNCED + "[profile dup]\nx = 1\n[profile dup]\ny = 2\n",  # duplicate section
        SYNCED + "[profile o]\nx = 1\nx = 2\n",  # duplicate option
        SYNCED + "[profile e]\ngarbage\n" + SYNCED[:300] + "[profile f]\n = v\n",
        SYNCED + "[profile h] # trailing text\nregion = x\n[x]]\ny = 1\n",
        SYNCED + "[]\nx = 1\n",  # `[]` is no header: an option line of the section before
        SYNCED + "[\nx = 1\n",
        SYNCED + "[a = b\n",
        "x = 1\n[a]\n",  # before any section
        "  [indented]\nx = 1\n[a]\ny = 2\n",
        "[a]\nk = v = w\nk2 = a:b\nk3 = #x\nk4 = ;y\n",
        "[a]\nk:x = 1\nk=y = 2\n#k = 3\n;k = 4\n",
        "[a]\nü = 日本\nİ = i\nk = \x0c\n\x85k = v\nk\u2028 = v\nv = x\u3000\n",
        "[a]\nk = v\r\nk2 = \rv\n[b]\r\nx = 1\n",
        "[a]\nregion = x\n[a]\n",
    ],
    ids=lambda t: repr(t[-40:]),
)
def test_fast_reader_equals_general_loop(text: str) -> None:
    _same(text)


def _variants(base: str) -> dict[str, str]:
    return {
        "key=value": base.replace(" = ", "="),
        "key: value": base.replace(" = ", ": "),
        "spaces": base.replace(" = ", "  =  ").replace("\n", "  \n"),
        "upper-case keys": base.replace("\nregion", "\nRegion"),
        "comments": base.replace("\noutput", "\n# comment\n; another\n  # indented\noutput"),
        "blank lines": base.replace("\nregion", "\n\n  \nregion"),
        "indented": base.replace("\ns", "\n  s").replace("\nr", "\n  r"),
        "nested": base.replace("\noutput", "\ns3 =\n  addressing_style = path\noutput"),
        "continued": base.replace("\noutput = json", "\noutput = json\n  more\n\n  lines"),
        "default": "[DEFAULT]\ns3 =\n  x = 1\nk = v\n" + base,
        "tabs": base.replace(" = ", "\t=\t"),
    }


@pytest.mark.parametrize("variant", list(_variants("")))
def test_many_irregular_sections(variant: str) -> None:
    text = _variants(SYNCED)[variant]
    _same(text)
    _same(text + "[profile last]\nno delimiter here\n")
    _same(SYNCED + text + SYNCED.replace("org.", "again."))


def test_general_loop_reads_only_what_it_must(monkeypatch: pytest.MonkeyPatch) -> None:
    fed: list[str] = []
    real = reader._Reader.feed

    def feed(self: Any, lines: list[str], lineno: int) -> None:
        fed.append(lines[0])
        real(self, lines, lineno)

    monkeypatch.setattr(reader._Reader, "feed", feed)
    for variant in ("key=value", "key: value", "spaces", "upper-case keys", "comments"):
        fed.clear()
        _fast(_variants(SYNCED)[variant])
        assert len(fed) == 1 and not fed[0].strip(), (
            variant
        )  # only the text before the first header
    fed.clear()
    _fast(SYNCED + "[profile n]\ns3 =\n  x = 1\n" + SYNCED.replace("org.", "again."))
    assert fed == ["", "[profile n]"]


def test_error_lines_after_fast_sections() -> None:
    text = SYNCED + "[profile bad]\nregion = x\ngarbage\n"
    with pytest.raises(ConfigParseError) as info:
        _fast(text)
    assert info.value.lineno == text.count("\n")  # the `garbage` line
    assert info.value.lineno == _outcome(_general, text)[1]


def test_sections_share_repeated_strings() -> None:
    sections, _, nested = _fast(SYNCED)
    a, b = sections["profile org.acct0000.admin"], sections["profile org.acct0001.admin"]
    assert a == {
        "sso_session": "corp",
        "sso_account_id": "000000000000",
        "sso_role_name": "admin",
        "region": "eu-west-1",
        "output": "json",
    }
    assert a["region"] is b["region"]  # read once, for every section
    assert a is not b
    assert nested is False


def test_nested_flag() -> None:
    assert _fast("[a]\ns3 =\n  x = 1\n")[2] is True
    assert _fast("[a]\nregion = x\n  y\n")[2] is False  # continued, but not nested
    path = "<test>"
    assert reader._with_defaults(*_fast("[DEFAULT]\ns3 =\n  x = 1\n[a]\n"), path)[1] is True
    assert reader._with_defaults(*_fast("[DEFAULT]\nk = v\n[a]\n"), path)[1] is False


_KEYS = st.sampled_from(
    [
        "region",
        "output",
        "sso_session",
        "s3",
        "Region",
        "a b",
        "k:x",
        "a=b",
        "#k",
        ";k",
        "[k",
        " k",
        "\tk",
        "",
        "k ",
        "ü",
        "İ",
        "\x85k",
        "k\x0c",
    ]
)
_VALUES = st.sampled_from(
    ["", "x", "eu-west-1", " x", "x ", "a = b", "a=b", "日本", "\x0c", "v\u3000", "#c", "[x]"]
)
_DELIMS = st.sampled_from([" = ", " = ", " = ", "=", " =", "= ", ":", " : ", "  = ", " =  "])
_OTHER_LINES = st.sampled_from(
    [
        "",
        "",
        "  ",
        "# c",
        "# k = v",
        "; c",
        "  more",
        "  k = v",
        "\tx=1",
        "junk",
        "[",
        "[]",
        "  [ind]",
        "[x] tail",
        "[DEFAULT]",
        "=",
        " = v",
    ]
)
_HEADERS = st.sampled_from(
    [
        "[a]",
        "[b]",
        "[profile a]",
        "[profile b]",
        "[default]",
        "[DEFAULT]",
        "[x]]",
        "[a] # c",
        "[sso-session s]",
        "[]",
        "[",
        "[a]\t",
        "[ü]",
    ]
)


@st.composite
def _option(draw: st.DrawFn) -> str:
    return draw(_KEYS) + draw(_DELIMS) + draw(_VALUES)


@st.composite
def _config_texts(draw: st.DrawFn) -> str:
    lines: list[str] = draw(st.lists(st.one_of(_option(), _OTHER_LINES), max_size=3))
    for _ in range(draw(st.integers(0, 6))):
        lines.append(draw(_HEADERS))
        # Mostly regular sections, so that fast and general sections alternate.
        if draw(st.integers(0, 2)):
            lines += [f"k{i} = {draw(_VALUES)}" for i in range(draw(st.integers(0, 4)))]
        else:
            lines += draw(st.lists(st.one_of(_option(), _option(), _OTHER_LINES), max_size=5))
    return "\n".join(lines) + draw(st.sampled_from(["", "\n", "\n\n"]))


@settings(max_examples=EXAMPLES * 3, deadline=None)
@given(text=_config_texts())
def test_generated_texts_fast_reader_equals_general_loop(text: str) -> None:
    _same(text)


# -- the profile index -------------------------------------------------------------------------


def _reference_index(config: dict[str, Any], credentials: dict[str, Any]) -> list[Any]:
    """The per-profile index build that `profiles._columns` replaced."""

    def _str(v: Any) -> Any:
        return v if isinstance(v, str) else None

    cfg_profiles = config.get("profiles", {})
    names = list(cfg_profiles)
    names += [n for n in credentials if n not in cfg_profiles]
    shorts = _reference_short_names(names)
    rows = []
    for n in names:
        values = cfg_profiles.get(n)
        cred = credentials.get(n)
        if cred is not None:
            values = {**values, **cred} if values is not None else cred
        get = values.get
        rows.append(
            profiles.Profile(
                n,
                shorts[n],
                profiles.classify(values, cred),
                *map(_str, map(get, profiles._KEYS_A)),
                n in cfg_profiles,
                cred is not None,
                *map(_str, map(get, profiles._KEYS_B)),
            )
        )
    return rows


def _reference_short_names(names: list[str]) -> dict[str, str]:
    candidates: dict[str, str] = {}
    counts: dict[str, int] = {}
    for n in names:
        parts = n.split(".")
        cand = ".".join(parts[1:]) if len(parts) >= 3 else n
        candidates[n] = cand
        counts[cand] = counts.get(cand, 0) + 1
    full = set(names)
    out: dict[str, str] = {}
    for n, cand in candidates.items():
        if cand != n and (counts[cand] > 1 or cand in full):
            cand = n
        out[n] = cand
    return out


_NAMES = st.sampled_from(
    [
        "a",
        "a.b",
        "a.b.c",
        "x.b.c",
        "b.c",
        "q.a.b.c",
        "default",
        "o.home.admin",
        "home.admin",
        "p.q.r.s",
        "..",
        "a..b",
        ".a.b",
        "",
        "z.a.b.c",
    ]
)


@settings(max_examples=EXAMPLES, deadline=None)
@given(names=st.lists(_NAMES, max_size=12))
def test_short_names_equal_reference(names: list[str]) -> None:
    assert profiles.short_names(names) == _reference_short_names(names)
    unique = list(dict.fromkeys(names))
    assert profiles._shorts(unique) == list(_reference_short_names(unique).values())


# Every key behind a plain Profile field, plus keys that only decide the kind or nest.
_PROFILE_KEYS = st.sampled_from(
    [
        *profiles._KEYS_A,
        *profiles._KEYS_B,
        "credential_process",
        "aws_access_key_id",
        "web_identity_token_file",
        "s3",
    ]
)
_PROFILE_VALUES = st.one_of(
    st.sampled_from(["x", "", "eu-west-1"]), st.just({"addressing_style": "path"})
)
_SECTIONS = st.dictionaries(_NAMES, st.dictionaries(_PROFILE_KEYS, _PROFILE_VALUES, max_size=5))


@settings(max_examples=EXAMPLES, deadline=None)
@given(
    config_profiles=_SECTIONS,
    sessions=st.dictionaries(st.sampled_from(["s", "t"]), st.just({"sso_region": "r"})),
    credentials=_SECTIONS,
)
def test_index_equals_per_profile_build(
    config_profiles: dict[str, Any], sessions: dict[str, Any], credentials: dict[str, Any]
) -> None:
    config = {"profiles": config_profiles, "sso_sessions": sessions, "services": {}}
    index = profiles.build_index(config, credentials)
    assert index.profiles == _reference_index(config, credentials)
    assert index.names == [p.name for p in index.profiles]
    assert index.by_name == {p.name: p for p in index.profiles}
    assert index.sso_sessions == sessions
    nested = any(isinstance(v, dict) for s in (config_profiles, credentials) for d in s.values()
                 for v in d.values())  # fmt: skip
    if not nested:  # what reader.read_sections reports: no dict to look for
        columns = profiles._columns(config, credentials, nested=False)
        assert profiles._from_columns(columns) == index.profiles


def test_index_from_files_equals_per_profile_build(sandbox: Any) -> None:
    sandbox.write_config(
        "[default]\nregion = us-east-1\n[sso-session corp]\nsso_region = eu-west-1\n"
        + SYNCED
        + "[profile chain]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = default\n"
        "[profile nested]\nregion =\n  a = b\ns3 =\n  addressing_style = path\n"
    )
    sandbox.credentials.write_text("[default]\naws_access_key_id = A\n[only]\nregion = x\n")
    index = profiles.load_index(use_cache=False)
    config = reader.load_config(str(sandbox.config))
    credentials = reader.raw_parse(str(sandbox.credentials))
    assert index.profiles == _reference_index(config, credentials)
    assert index.by_name["nested"].region is None  # a nested block is no region
    assert index.by_name["default"].kind == profiles.KIND_KEYS
    assert index.names[-1] == "only"


@settings(max_examples=EXAMPLES, deadline=None)
@given(count=st.integers(0, 4), data=st.data())
def test_cache_columns_round_trip(count: int, data: st.DataObject) -> None:
    import marshal

    values = st.sampled_from([None, True, False, "x", "y"])
    columns: list[list[Any]] = [[f"n{i}" for i in range(count)]]
    columns += [data.draw(st.lists(values, min_size=count, max_size=count)) for _ in range(14)]
    packed = marshal.loads(marshal.dumps(profiles._pack(columns)))
    assert profiles._unpack(packed) == columns
    assert type(packed[0]) is list  # names are never packed
    for column, stored in zip(columns[1:], packed[1:], strict=True):
        assert (type(stored) is tuple) == (count > 0 and len(set(map(repr, column))) == 1)


def test_cache_stores_a_constant_field_once(sandbox: Any) -> None:
    import marshal

    sandbox.write_config("[sso-session corp]\nsso_region = eu-west-1\n" + SYNCED)
    os.utime(sandbox.config, (1, 1))
    fresh = profiles.load_index()
    with open(profiles.cache_path(), "rb") as fh:
        _, packed, _ = marshal.loads(fh.read())
    assert packed[profiles._FIELDS.index("region")] == ("eu-west-1",)
    assert packed[profiles._FIELDS.index("sso_start_url")] == (None,)
    assert packed[profiles._FIELDS.index("account_id")][:2] == ["000000000000", "000000000000"]
    assert profiles.load_index() == fresh


# -- Profile, a TupleRecord --------------------------------------------------------------------


class _Point(TupleRecord):
    __slots__ = ()
    x: int
    y: int = 0
    label: str = ""


class _PointRecord(Record):
    x: int
    y: int = 0
    label: str = ""


def test_tuple_record_behaves_like_record() -> None:
    for cls in (_Point, _PointRecord):
        p = cls(1, label="a")
        assert (p.x, p.y, p.label) == (1, 0, "a")
        assert p == cls(x=1, y=0, label="a")
        assert p != cls(2)
        assert hash(p) == hash(cls(1, 0, "a")) == hash((1, 0, "a"))
        assert repr(p) == f"{cls.__name__}(x=1, y=0, label='a')"
        assert p._astuple() == (1, 0, "a")
        assert cls._fields == ("x", "y", "label")
        with pytest.raises(AttributeError):
            p.x = 2  # type: ignore[misc]
        with pytest.raises(AttributeError):
            p.other = 2  # type: ignore[attr-defined]
        with pytest.raises(AttributeError):
            del p.x
        for bad in ((), (1, 2, "a", 4)):
            with pytest.raises(TypeError):
                cls(*bad)
        with pytest.raises(TypeError):
            cls(1, x=1)
        with pytest.raises(TypeError):
            cls(1, z=1)


def test_tuple_record_is_equal_only_to_its_class() -> None:
    p = _Point(1, 2, "a")
    assert p != (1, 2, "a")
    assert (1, 2, "a") != p  # noqa: SIM300  # the tuple's side too
    assert not p == (1, 2, "a")  # noqa: SIM201
    assert p != _PointRecord(1, 2, "a")
    assert _PointRecord(1, 2, "a") != p
    assert not hasattr(p, "__dict__")
    assert _Point._make([1, 2, "a"]) == p
    with pytest.raises(ValueError):
        _Point._make([1, 2])
    assert pickle.loads(pickle.dumps(p)) == p
    import copy

    assert copy.copy(p) == p
    assert copy.deepcopy(p) == p


def test_profile_fields_and_defaults() -> None:
    p = profiles.Profile("a.b.c", "b.c", "sso", sso_session="s")
    assert p.name == "a.b.c" and p.short == "b.c" and p.sso_session == "s"
    assert p.in_config is True and p.in_credentials is False and p.output is None
    assert len(profiles._FIELDS) == len(p)
    with pytest.raises(ValueError):
        profiles._from_columns([["a"]] * (len(profiles._FIELDS) - 1))
    with pytest.raises(ValueError):
        profiles._from_columns([["a"]] * (len(profiles._FIELDS) - 1) + [["a", "b"]])


# -- whole files against botocore, large ones --------------------------------------------------


@settings(
    max_examples=max(20, EXAMPLES // 10),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=_config_texts())
def test_generated_texts_after_many_profiles_match_botocore(sandbox: Any, text: str) -> None:
    import botocore.configloader
    import botocore.exceptions

    sandbox.write_config(SYNCED + text)
    path = str(sandbox.config)
    try:
        expected: Any = ("ok", _ordered(botocore.configloader.load_config(path)))
    except botocore.exceptions.ConfigParseError:
        expected = ("error",)
    try:
        got: Any = ("ok", _ordered(reader.load_config(path)))
    except ConfigParseError:
        got = ("error",)
    assert got == expected

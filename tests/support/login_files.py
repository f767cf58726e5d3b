"""`aws login` cache files for the tests (no tests here): `entry` and `write`, one cache entry as
the AWS CLI writes it and where; the `Files` builder, dated from a given now; and the two tables of
(case, state, content) rows that tests/shell/test_shell_prompt_login.py runs through
awsswitch.login_session and the shells.

Rows are built at test time because their dates are relative to now; `table` holds the files
the shells must read as Python does, `conservative` those they knowingly call login-needed.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

from awsswitch.sso import state


def _b64(data: bytes) -> str:
    """Unpadded base64url: how a JWT's parts are written."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


# -- one cache entry, as `aws login` writes it ------------------------------------------------

ARN = "arn:aws:sts::012345678910:assumed-role/Admin/admin"
DPOP_KEY = (
    "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIFakeFakeFakeFakeFake\n-----END EC PRIVATE KEY-----\n"
)


def id_token(issued: datetime, arn: str = ARN) -> str:
    """A JWT shaped like the sign-in service's (ES384 header; the signature is not checked)."""
    header = {"kid": "k", "typ": "JWT", "alg": "ES384"}
    iat = int(issued.timestamp())
    claims = {"sub": arn, "aud": "arn:aws:signin:::cli/same-device", "iat": iat, "exp": iat + 900}
    parts = [_b64(json.dumps(x).encode()) for x in (header, claims)]
    return ".".join([*parts, _b64(b"not-a-signature")])


def entry(
    *,
    expires_in: float = 900,
    signed_in_ago: float = 60,
    arn: str = ARN,
    now: datetime | None = None,
    drop: tuple[str, ...] = (),
    **override: object,
) -> dict[str, object]:
    """A cache entry as `aws login` writes it (key order included): credentials expiring in
    `expires_in` seconds, signed in `signed_in_ago` seconds ago."""
    now = now or datetime.now(timezone.utc)
    expires = (now + timedelta(seconds=expires_in)).strftime("%Y-%m-%dT%H:%M:%SZ")
    data: dict[str, object] = {
        "accessToken": {
            "accessKeyId": "ASIAEXAMPLELOGIN0001",
            "secretAccessKey": "login-secret-access-key",
            "sessionToken": "login-session-token",
            "accountId": arn.split(":")[4],
            "expiresAt": expires,
        },
        "tokenType": "urn:aws:params:oauth:token-type:access_token_sigv4",
        "clientId": "arn:aws:signin:::devtools/same-device",
        "refreshToken": "login-refresh-token",
        "idToken": id_token(now - timedelta(seconds=signed_in_ago), arn),
        "dpopKey": DPOP_KEY,
    }
    data.update(override)
    for key in drop:
        data.pop(key, None)
    return data


def cache_path(folder: Path, arn: str = ARN) -> Path:
    """The entry's file in `folder`: botocore names it by the SHA-256 of the session's ARN."""
    return folder / (hashlib.sha256(arn.encode("utf-8")).hexdigest() + ".json")


def write(folder: Path, data: dict[str, object], arn: str = ARN) -> Path:
    """Written as the CLI's JSONFileCache does: json.dumps defaults, no final newline, 0600."""
    folder.mkdir(parents=True, exist_ok=True)
    path = cache_path(folder, arn)
    path.write_text(json.dumps(data), encoding="utf-8")
    path.chmod(0o600)
    return path


# -- the prompt's tables -------------------------------------------------------------------------

FRESH, REFRESHABLE, LOGIN = state.FRESH, state.REFRESHABLE, state.LOGIN_NEEDED
HOUR = 3600

# The idToken's signature: a secret the tests look for in traces and variables.
SIGNATURE = "SignatureOfTheIdToken_-0123456789abcdef"
HEADER = {"kid": "k", "typ": "JWT", "alg": "ES384"}
DROP = object()  # a key to remove

Row = tuple[str, str, bytes | None]  # (case, what login_session says, content; None: no file)


def _merge(base: dict, over: dict) -> dict:
    return {k: v for k, v in {**base, **over}.items() if v is not DROP}


def _dump(entry: dict, **kwargs: object) -> bytes:
    """The file as the AWS CLI writes it: json.dumps, here with optional layout arguments."""
    return json.dumps(entry, **kwargs).encode("utf-8")


def _pairs(*pairs: tuple[str, str]) -> bytes:
    """An object written by hand: each pair is (key, value as JSON text); keys may repeat."""
    return ("{" + ", ".join(f'"{k}": {v}' for k, v in pairs) + "}").encode("utf-8")


def _as_pairs(entry: dict) -> list[tuple[str, str]]:
    return [(k, json.dumps(v)) for k, v in entry.items()]


def jwt_payload(claims: dict | str | bytes) -> str:
    """The JWT's second part: base64url of the claims (a dict, JSON text, or raw bytes)."""
    if isinstance(claims, dict):
        claims = json.dumps(claims)
    return _b64(claims if isinstance(claims, bytes) else claims.encode("utf-8"))


class Files:
    """Cache file contents as `aws login` writes them (json.dumps, its key order), dated
    from `now`; keyword arguments replace or add keys (DROP removes one)."""

    def __init__(self, now: int) -> None:
        self.now = now

    def iso(self, seconds: float, fmt: str = "%Y-%m-%dT%H:%M:%SZ") -> str:
        return datetime.fromtimestamp(self.now + seconds, timezone.utc).strftime(fmt)

    def claims(self, ago: float = HOUR, **over: object) -> dict:
        """The idToken's payload, signed in `ago` seconds ago."""
        return _merge({"sub": ARN, "aud": "cli", "iat": self.now - ago}, over)

    def jwt(self, claims: object = None, *, payload: str = "", sig: str = SIGNATURE) -> str:
        head = _b64(json.dumps(HEADER).encode())
        body = payload or jwt_payload(self.claims() if claims is None else claims)
        return f"{head}.{body}.{sig}"

    def entry(
        self, left: float = 600, ago: float = HOUR, access: dict | None = None, **top: object
    ) -> dict:
        """Credentials with `left` seconds to go, signed in `ago` seconds ago; `access`
        changes accessToken's keys, `top` the top level's."""
        now = datetime.fromtimestamp(self.now, timezone.utc)
        data = entry(expires_in=left, now=now, idToken=self.jwt(self.claims(ago)))
        return _merge({**data, "accessToken": _merge(data["accessToken"], access or {})}, top)

    def fresh(self, left: float = 600, **kwargs: object) -> bytes:
        """10 minutes left by default: fresh (over the 5-minute line)."""
        return _dump(self.entry(left, **kwargs))

    def due(self, **kwargs: object) -> bytes:
        """Expired an hour ago: the state is the refresh's."""
        return _dump(self.entry(-HOUR, **kwargs))

    def signed(self, claims: object, **kwargs: object) -> bytes:
        """Expired, with an idToken carrying `claims` (dict, JSON text or raw bytes)."""
        return self.due(idToken=self.jwt(claims), **kwargs)

    def pairs(self, *pairs: tuple[str, str], last: bool = True, **kwargs: object) -> bytes:
        """The entry's pairs, then (or, not `last`, first) `pairs` (keys given twice)."""
        own = _as_pairs(self.entry(**kwargs))
        return _pairs(*own, *pairs) if last else _pairs(*pairs, *own)

    def expires_twice(self, first: float, last: float) -> bytes:
        """accessToken holding expiresAt twice: `first`, then `last` seconds ahead."""
        creds = _as_pairs(self.entry(first)["accessToken"])
        access = _pairs(*creds, ("expiresAt", json.dumps(self.iso(last)))).decode()
        return _pairs(("accessToken", access), *_as_pairs(self.entry(accessToken=DROP)))

    def residue(self, ago: float, rest: int) -> dict:
        """Claims of `rest` bytes over a multiple of 3: the unpadded payload is then 0, 2 or 3
        characters over a multiple of 4."""
        for n in range(3):
            if len(json.dumps(claims := self.claims(ago, sid="x" * n))) % 3 == rest:
                return claims
        raise AssertionError("unreachable")

    def standard_alphabet(self) -> str:
        """A payload with `+` and `/` where base64url has `-` and `_`."""
        for n in range(64):
            if "-" in (p := jwt_payload(self.claims(note="?>" * n + "~~"))) and "_" in p:
                return p.replace("-", "+").replace("_", "/")
        raise AssertionError("no payload with both - and _")


def _rows(want: str, *rows: tuple[str, bytes | None]) -> list[Row]:
    """(case, content) pairs that all give the state `want`."""
    return [(case, want, content) for case, content in rows]


def table(now: int) -> list[Row]:
    """Files the shells must read as login_session does: (case, its state, content)."""
    f = Files(now)
    old, recent, expired, fresh = now - 13 * HOUR, now - HOUR, f.entry(-HOUR), f.fresh()
    flip = {k: dict(reversed(v.items())) if isinstance(v, dict) else v for k, v in expired.items()}
    inner = json.dumps({"accessToken": f.entry()["accessToken"]})
    iat_twice = '{{"iat": {}, "iat": {}}}'.format
    credentials = ("accessKeyId", "secretAccessKey", "sessionToken")

    def creds(**access: object) -> bytes:  # 10 minutes left, accessToken's keys changed
        return f.fresh(access=access)

    def id_token(ago: float) -> tuple[str, str]:  # an idToken pair, to give the key twice
        return ("idToken", json.dumps(f.jwt(f.claims(ago))))

    return [
        # What the AWS CLI writes, at times around the lines (5 minutes, 12 hours), in the
        # layouts json.dumps can give.
        *_rows(
            FRESH,
            ("as written, 10 minutes left", fresh),
            ("10 minutes left, signed in 13 h ago", f.fresh(ago=13 * HOUR)),
            ("pretty-printed (indent=2)", _dump(f.entry(), indent=2)),
            ("expiresAt with a fraction", creds(expiresAt=f.iso(600, "%Y-%m-%dT%H:%M:%S.%fZ"))),
        ),
        *_rows(
            REFRESHABLE,
            ("2 minutes left, signed in 1 h ago", f.fresh(120)),
            (
                "expiresAt +00:00, 2 minutes left",
                creds(expiresAt=f.iso(120, "%Y-%m-%dT%H:%M:%S+00:00")),
            ),
            ("expired, signed in 1 h ago", f.due()),
            ("expired, signed in 11 h 59 min ago", f.due(ago=43140)),
            ("expired, signed in an hour from now", f.due(ago=-HOUR)),
            ("pretty-printed (indent=2), expired", _dump(expired, indent=2)),
            ("keys in another order, inside too", _dump(dict(reversed(flip.items())))),
            ("extra string key signInRegion", f.due(signInRegion="eu-west-1")),
        ),
        *_rows(
            LOGIN,
            ("expired, signed in 13 h ago", f.due(ago=13 * HOUR)),
            ("2 minutes left, signed in 12 h 1 min ago", f.fresh(120, ago=43260)),
            # No file, or not one object.
            ("missing file", None),
            ("empty file", b""),
            ("{not json", b"{not json"),
            ("a JSON array", b"[]"),
            ("an empty object", b"{}"),
            ("truncated", fresh[:-1]),
            ("a second object after it", fresh + b"{}"),
            ("leading UTF-8 BOM", b"\xef\xbb\xbf" + fresh),
            ("NUL byte after the object", fresh + b"\0"),
            ("an SSO token", _pairs(("accessToken", '"a"'), ("expiresAt", '"2099-01-01"'))),
        ),
        # botocore's required keys (any value will do for it), then the credentials.
        *_rows(
            LOGIN,
            *[
                (f"no {key}, fresh", f.fresh(**{key: DROP}))
                for key in ("accessToken", "refreshToken", "dpopKey", "clientId")
            ],
            *[
                (f"{k} {json.dumps(v)}", creds(**{k: v}))
                for k in credentials
                for v in ("", None, 12)
            ],
            *[(f"no {key}", creds(**{key: DROP})) for key in ("sessionToken", "expiresAt")],
            *[(f"expiresAt {v!r}", creds(expiresAt=v)) for v in ("soon", now + HOUR, "2099-02-29")],
        ),
        *_rows(
            FRESH,
            ("dpopKey null, fresh", f.fresh(dpopKey=None)),
            ("refreshToken empty, fresh", f.fresh(refreshToken="")),
            ("no idToken, no tokenType, fresh", f.fresh(idToken=DROP, tokenType=DROP)),
            ("secretAccessKey with escapes", creds(secretAccessKey='"\\/').replace(b"/", b"\\/")),
        ),
        # Where the keys are, and keys given twice (json.loads keeps the last).
        *_rows(
            LOGIN,
            *[(f"accessToken {v!r}", f.fresh(accessToken=v)) for v in ("A", None, {}, ["A"])],
            (
                "credentials at the top",
                _dump({**f.entry(accessToken="a"), **expired["accessToken"]}),
            ),
            (
                "expiresAt at the top only",
                creds(expiresAt=DROP)[:-1] + b', "expiresAt": "2099-01-01"}',
            ),
            (
                "refreshToken in accessToken only",
                f.fresh(refreshToken=DROP, access={"refreshToken": "r"}),
            ),
            ("accessToken only inside a string", f.fresh(accessToken=DROP, tokenType=inner)),
            ("accessToken the object, then a string", f.pairs(("accessToken", '"A"'))),
            ("idToken twice, the last 13 h old", f.pairs(id_token(13 * HOUR), left=-HOUR)),
            ("refreshToken twice, the last empty", f.pairs(("refreshToken", '""'), left=-HOUR)),
        ),
        *_rows(
            FRESH,
            ("an accessToken key in accessToken", creds(accessToken="x")),
            ("accessToken a string, then the object", f.pairs(("accessToken", '"A"'), last=False)),
            ("expiresAt twice, the last fresh", f.expires_twice(-HOUR, 600)),
        ),
        *_rows(
            REFRESHABLE,
            ("expiresAt twice, the last expired", f.expires_twice(600, -HOUR)),
            ("idToken twice, the last 1 h old", f.pairs(id_token(HOUR), left=-HOUR, ago=13 * HOUR)),
        ),
        # The refresh material, needed once the credentials are due.
        *_rows(
            LOGIN,
            *[
                (f"{key} {json.dumps(value)}, expired", f.due(**{key: value}))
                for key in ("refreshToken", "clientId", "dpopKey")
                for value in ("", 7)
            ],
        ),
        # An idToken that is no string: no sign-in time, no limit (as Python).
        *_rows(
            REFRESHABLE,
            ("no idToken, expired", f.due(idToken=DROP)),
            *[(f"idToken {json.dumps(v)}", f.due(idToken=v)) for v in (12, None, True, False, [])],
        ),
        # The claims.
        *_rows(
            REFRESHABLE,
            ("claims without iat", f.signed(f.claims(iat=DROP))),
            ("iat with a fraction, 1 h ago", f.signed(f.claims(iat=recent + 0.75))),
            ("iat of 11 digits (year 5138)", f.signed(f.claims(iat=99999999999))),
            ("iat twice, the last 1 h ago", f.signed(iat_twice(old, recent))),
            ("iat only inside an array", f.signed({"sub": ARN, "amr": ["iat", old]})),
            ("claims pretty-printed", f.signed(json.dumps(f.claims(), indent="\t"))),
            (
                "escapes in the claims",
                f.signed(json.dumps(f.claims(n='\u00e9"')).replace("/", "\\/")),
            ),
            ("claims of every kind", f.signed(f.claims(n=-1.5e3, t=True, z=None, a=["x", 1]))),
            ("payload with + and /", f.due(idToken=f.jwt(payload=f.standard_alphabet()))),
            ("no signature", f.due(idToken=f.jwt(sig=""))),
            ("a padded signature", f.due(idToken=f.jwt(sig="c2ln=="))),
        ),
        *_rows(
            LOGIN,
            ("iat with a fraction, 13 h ago", f.signed(f.claims(iat=old + 0.75))),
            ("iat negative", f.signed(f.claims(iat=-5))),
            ("iat twice, the last 13 h ago", f.signed(iat_twice(recent, old))),
            (
                "an iat in a claim's string",
                f.signed({"iat": old, "s": f'","iat": {recent}, "x": "'}),
            ),
        ),
        # Payloads of each length modulo 4, on either side of 12 hours.
        *[
            (f"payload {(0, 2, 3)[rest]} mod 4, {ago} s", want, f.signed(f.residue(ago, rest)))
            for rest in (0, 1, 2)
            for ago, want in ((43140, REFRESHABLE), (43260, LOGIN))
        ],
    ]


def conservative(now: int) -> list[tuple[str, str, bytes]]:
    """Files Python reads (the state it gives) but the shells answer "login-needed" for:
    what would take a real JSON or base64 parser (shell/fragments/token.sh, shell/asw.fish)."""
    f = Files(now)
    recent, p = now - HOUR, jwt_payload(f.claims())
    escaped = '"' + f.jwt(sig="a/b").replace("/", "\\/") + '"'  # JSON text "...a\/b"
    objects = ("accessToken", json.dumps(f.entry(-HOUR)["accessToken"]))
    ascii_only = f.fresh(access={"expiresAt": "2099-01-01T00:00:00Z"})
    return [
        *_rows(
            REFRESHABLE,
            # The idToken's text.
            ("idToken with an escaped slash", f.pairs(("idToken", escaped), left=-HOUR)),
            ("idToken without two dots", f.due(idToken=f"{_b64(b'{}')}.{p}")),
            ("idToken with three dots", f.due(idToken=f.jwt(sig="a.b"))),
            ("idToken empty", f.due(idToken="")),
            ("payload with a bad character", f.due(idToken=f.jwt(payload=f"{p}!!!!"))),
            ("payload padded with =", f.due(idToken=f.jwt(payload=p + "=" * (-len(p) % 4 + 4)))),
            (
                "payload 4n + 1 long",
                f.due(idToken=f.jwt(payload=jwt_payload(f.residue(HOUR, 0)) + "A")),
            ),
            # What the claims hold.
            ("a nested object in the claims", f.signed(f.claims(ctx={"a": 1}))),
            ("an array in an array in the claims", f.signed(f.claims(amr=[["pwd"]]))),
            (
                "non-ASCII in the claims",
                f.signed(json.dumps(f.claims(n="\u00e9"), ensure_ascii=False)),
            ),
            ("a control character after the claims", f.signed(_dump(f.claims()) + b"\v")),
            ("iat with an exponent", f.signed(f'{{"sub": "{ARN}", "iat": {recent}e0}}')),
            *[
                (f"iat {v!r}", f.signed(f.claims(iat=v)))
                for v in (999999999999, str(recent), True, None)
            ],
            ("iat NaN", f.signed(f'{{"sub": "{ARN}", "iat": NaN}}')),
            ("iat spelled with a \\u escape", f.signed(f'{{"i\\u0061t": {recent}}}')),
            ("claims an array", f.signed(f"[{recent}]")),
            ("claims not JSON", f.signed("{iat: 1}")),
            ("4,301 digits in the claims", f.signed(f'{{"iat": {recent}, "n": 1{"0" * 4300}}}')),
        ),
        # The rest of the file.
        *_rows(
            FRESH,
            ("a nested object in another field", f.fresh(extra={"a": 1})),
            ("an object inside accessToken", f.fresh(access={"extra": {"a": 1}})),
            ("accessToken twice, both objects", f.pairs(objects, last=False)),
            ("non-ASCII in dpopKey", _dump(f.entry(dpopKey="\u00e9"), ensure_ascii=False)),
            ("over 64 KiB (under Python's 1 MiB)", f.fresh(pad="x" * 70000)),
            (
                "accessToken with a \\u escape",
                f.fresh().replace(b'"accessToken"', b'"access\\u0054oken"'),
            ),
            ("expiresAt with a \\u escape", ascii_only.replace(b'00Z"', b'00\\u005a"')),
        ),
    ]

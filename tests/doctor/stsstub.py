"""A tiny STS on 127.0.0.1 for `doctor --verify` (the Identity Center stand-in has no STS):
GetCallerIdentity answers the ARN bound to the access key that signed the call, else
`default_arn`; AssumeRole issues keys bound to `assumed-role/<role name>/<session>`. Query
protocol, XML answers, as botocore expects them."""

from __future__ import annotations

import re
import threading
import uuid
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

_IDENTITY = """<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
<GetCallerIdentityResult><Arn>{arn}</Arn><UserId>AIDASTUB</UserId><Account>{account}</Account>
</GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>"""
_ASSUMED = """<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
<AssumeRoleResult><AssumedRoleUser><AssumedRoleId>AROASTUB:{name}</AssumedRoleId><Arn>{arn}</Arn>
</AssumedRoleUser><Credentials><AccessKeyId>{key}</AccessKeyId>
<SecretAccessKey>{secret}</SecretAccessKey><SessionToken>{token}</SessionToken>
<Expiration>{expiration}</Expiration></Credentials></AssumeRoleResult>
<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleResponse>"""
_ERROR = """<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error>
<Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>
<RequestId>r</RequestId></ErrorResponse>"""


class StsStub:
    def __init__(self, default_arn: str = "arn:aws:iam::000000000000:user/nobody") -> None:
        self.default_arn = default_arn
        self.bound: dict[str, str] = {}  # access key id -> ARN
        self.calls: list[tuple[str, dict[str, str], str]] = []
        self.refuse: str | None = None  # an error code to answer every call with
        self._lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                params = {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}
                match = re.search(r"Credential=([^/]+)/", self.headers.get("Authorization", ""))
                status, xml = stub.answer(params, match.group(1) if match else "")
                data = xml.encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def __enter__(self) -> StsStub:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def count(self, action: str) -> int:
        with self._lock:
            return sum(1 for a, _, _ in self.calls if a == action)

    def answer(self, params: dict[str, str], signer: str) -> tuple[int, str]:
        action = params.get("Action", "")
        with self._lock:
            self.calls.append((action, params, signer))
        if self.refuse:
            return 403, _ERROR.format(code=self.refuse, message="refused by the stub")
        if action == "GetCallerIdentity":
            arn = self.bound.get(signer, self.default_arn)
            return 200, _IDENTITY.format(arn=arn, account=arn.split(":")[4])
        if action != "AssumeRole":
            return 400, _ERROR.format(code="InvalidAction", message="not stubbed")
        role_arn = params["RoleArn"]
        name = params.get("RoleSessionName", "")
        key = "ASIA" + uuid.uuid4().hex[:16].upper()
        account, role = role_arn.split(":")[4], role_arn.rsplit("/", 1)[-1]
        arn = f"arn:aws:sts::{account}:assumed-role/{role}/{name}"
        with self._lock:
            self.bound[key] = arn
        expires = datetime.now(timezone.utc) + timedelta(hours=1)
        return 200, _ASSUMED.format(
            name=name, arn=arn, key=key, secret=uuid.uuid4().hex, token="tok-" + uuid.uuid4().hex,
            expiration=expires.strftime("%Y-%m-%dT%H:%M:%SZ"),
        )  # fmt: skip

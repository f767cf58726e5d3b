"""`python -m awsswitch.standin`: run the stand-in until SIGTERM/SIGINT.

stdout carries only machine-readable lines, flushed at once: the URL (`URL=http://...`, or
`KEY=VALUE` environment lines with `--print-env`: `AWS_ENDPOINT_URL_SSO`,
`AWS_ENDPOINT_URL_SSO_OIDC`, `AWS_ENDPOINT_URL_STS`, `AWSSWITCH_FEDERATION_ENDPOINT`, then
`AWS_DATA_PATH` with `--cli-data-path`), so a script can read it and go on.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence

from awsswitch.standin.faults import REPLY_FAULTS
from awsswitch.standin.model import DEFAULT_ACCOUNTS, generate_accounts
from awsswitch.standin.server import StandIn
from awsswitch.standin.settings import Settings


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m awsswitch.standin",
        description="Local IAM Identity Center stand-in (sso-oidc, portal, STS and the sign-in"
        " federation endpoint).",
    )
    p.add_argument(
        "--host", default=Settings.host, help=f"address to bind (default {Settings.host})"
    )
    p.add_argument(
        "--port", type=int, default=Settings.port, help="port (default 0: any free port)"
    )
    p.add_argument("--accounts", type=int, metavar="N", help="generate N accounts")
    p.add_argument("--roles", type=int, default=3, metavar="M", help="roles per generated account")
    approve = p.add_mutually_exclusive_group()
    approve.add_argument(
        "--auto-approve", action="store_true", help="approve device logins at the first poll"
    )
    approve.add_argument(
        "--approve-after", type=int, metavar="POLLS", help="approve after POLLS pending answers"
    )
    p.add_argument(
        "--interval", type=int, default=Settings.interval, help="device-flow poll interval, seconds"
    )
    p.add_argument(
        "--latency-ms",
        type=float,
        default=Settings.latency * 1000.0,
        help="added latency per API call",
    )
    p.add_argument(
        "--token-ttl",
        type=int,
        default=Settings.access_token_ttl,
        help="access token lifetime, seconds",
    )
    p.add_argument(
        "--registration-ttl",
        type=int,
        default=Settings.registration_ttl,
        help="client registration lifetime",
    )
    p.add_argument("--no-refresh-tokens", action="store_true", help="issue no refresh tokens")
    p.add_argument(
        "--credentials-ttl",
        type=int,
        default=Settings.credentials_ttl,
        help="role credentials lifetime, seconds",
    )
    p.add_argument(
        "--assume-role-max-ttl",
        type=int,
        default=Settings.assume_role_max_ttl,
        help="longest AssumeRole credentials lifetime, seconds",
    )
    p.add_argument("--user-name", default=Settings.user_name, help="the signed-in user's name")
    p.add_argument(
        "--sts-permissive", action="store_true", help="STS accepts keys it did not issue"
    )
    p.add_argument(
        "--throttle-every",
        type=int,
        default=Settings.throttle_every,
        metavar="N",
        help="429 every Nth call",
    )
    p.add_argument("--throttle-rps", type=float, help="429 above this many portal calls/second")
    p.add_argument(
        "--throttle-probability",
        type=float,
        default=Settings.throttle_probability,
        help="429 with probability",
    )
    p.add_argument(
        "--seed", type=int, default=Settings.seed, help="RNG seed for --throttle-probability"
    )
    p.add_argument(
        "--refresh-fault",
        choices=sorted(REPLY_FAULTS),
        help="break every refresh_token CreateToken reply this way (see faults.py)",
    )
    p.add_argument(
        "--hang-limit",
        type=float,
        default=Settings.hang_limit,
        help="longest a 'hang' fault holds, seconds",
    )
    p.add_argument("--print-env", action="store_true", help="print KEY=VALUE environment lines")
    p.add_argument(
        "--cli-data-path", metavar="DIR", help="write the AWS CLI v2 AWS_DATA_PATH redirect to DIR"
    )
    p.add_argument("-v", "--verbose", action="store_true", help="log requests on stderr")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    accounts = (
        DEFAULT_ACCOUNTS if args.accounts is None else generate_accounts(args.accounts, args.roles)
    )
    auto = 0 if args.auto_approve else args.approve_after
    standin = StandIn(
        accounts,
        host=args.host,
        port=args.port,
        access_token_ttl=args.token_ttl,
        registration_ttl=args.registration_ttl,
        refresh_tokens=not args.no_refresh_tokens,
        credentials_ttl=args.credentials_ttl,
        assume_role_max_ttl=args.assume_role_max_ttl,
        user_name=args.user_name,
        sts_permissive=args.sts_permissive,
        auto_approve_after=auto,
        interval=args.interval,
        latency=args.latency_ms / 1000.0,
        throttle_every=args.throttle_every,
        throttle_rps=args.throttle_rps,
        throttle_probability=args.throttle_probability,
        seed=args.seed,
        refresh_fault=args.refresh_fault,
        hang_limit=args.hang_limit,
        verbose=args.verbose,
    )
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    try:
        standin.start()
    except OSError as exc:
        print(f"standin: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    try:
        lines = [f"URL={standin.url}"]
        if args.print_env:
            lines = [f"{k}={v}" for k, v in standin.env().items()]
        if args.cli_data_path:
            lines.append(f"AWS_DATA_PATH={standin.cli_data_path(args.cli_data_path)}")
        print("\n".join(lines), flush=True)
        if args.verbose:
            mode = "manual (open the verification URL)" if auto is None else f"after {auto} polls"
            print(f"stand-in on {standin.url}; device approval {mode}", file=sys.stderr)
        while not stop.wait(0.5):
            pass
    finally:
        standin.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

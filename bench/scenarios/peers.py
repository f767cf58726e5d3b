"""Peers measured in the same run: awsume, aws-sso-util, the AWS CLI v2 and an oh-my-zsh-style
`asp`, each doing its nearest equivalent of listing profiles and switching to one.

awsume and aws-sso-util are installed by `setup()` into their own virtual environments under a
cache folder (reused between runs); the AWS CLI v2 is Debian's `awscli` (`/usr/bin/aws`).
Nothing here reaches beyond 127.0.0.1 except the package installs.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import fixtures
import measure
import shellcode as sc
from measure import Sample
from report import NA, Row

from scenarios.common import Ctx, check_stdout, guarded, script_failure

AWS_V2 = "/usr/bin/aws"
VENV_PACKAGES = {"awsume": "awsume", "aws-sso-util": "aws-sso-util"}
KEYS_PROFILE = "bench-keys"

# oh-my-zsh's aws plugin `asp`, rewritten from its documented behaviour (peers.md): validate the
# name with `aws configure list-profiles`, set AWS_DEFAULT_PROFILE, AWS_PROFILE, AWS_EB_PROFILE and
# AWS_PROFILE_REGION from `aws configure get region` (two AWS CLI processes per switch).
OMZ_ASP = r"""
function aws_profiles() {
  aws --no-cli-pager configure list-profiles 2>/dev/null
}
function asp() {
  if [[ -z "$1" ]]; then
    unset AWS_DEFAULT_PROFILE AWS_PROFILE AWS_EB_PROFILE AWS_PROFILE_REGION
    echo AWS profile cleared.
    return
  fi
  local -a available_profiles
  available_profiles=($(aws_profiles))
  if [[ -z "${available_profiles[(r)$1]}" ]]; then
    echo "${fg[red]}Profile '$1' not found in '${AWS_CONFIG_FILE:-$HOME/.aws/config}'" >&2
    return 1
  fi
  export AWS_DEFAULT_PROFILE=$1
  export AWS_PROFILE=$1
  export AWS_EB_PROFILE=$1
  export AWS_PROFILE_REGION=$(aws configure get region)
}
function aws_prompt_info() {
  local _aws_to_show
  if [[ -n "$AWS_PROFILE" ]]; then
    _aws_to_show+="<aws:${AWS_PROFILE}>"
  fi
  echo "$_aws_to_show"
}
"""


def cache_root() -> Path:
    """Where peer environments live between runs (outside the temporary HOME and the repo)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "awsswitch-bench"


def setup(root: Path, log, *, install: bool = True) -> dict[str, str]:
    """Create/reuse the peers' virtual environments; returns {tool: bin dir or 'error: ...'}."""
    found: dict[str, str] = {}
    for name, package in VENV_PACKAGES.items():
        venv = root / "venvs" / name
        exe = venv / "bin" / ("awsumepy" if name == "awsume" else name)
        if not exe.exists() and install:
            log(f"  installing {package} into {venv} (pip)")
            try:
                subprocess.run(
                    [sys.executable, "-m", "venv", "--clear", str(venv)],
                    check=True,
                    capture_output=True,
                    timeout=300,
                )
                subprocess.run(
                    [
                        str(venv / "bin" / "python"),
                        "-m",
                        "pip",
                        "install",
                        "-q",
                        "--disable-pip-version-check",
                        package,
                    ],
                    check=True,
                    capture_output=True,
                    timeout=900,
                )
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
                err = getattr(exc, "stderr", b"") or b""
                found[name] = f"error: {exc} {err.decode('utf-8', 'replace')[-300:]}"
                continue
        found[name] = str(venv / "bin") if exe.exists() else "error: not installed"
    found["aws"] = AWS_V2 if os.access(AWS_V2, os.X_OK) else "error: /usr/bin/aws missing"
    return found


def version(bin_dir: str, name: str) -> str:
    py = Path(bin_dir) / "python"
    proc = subprocess.run(
        [str(py), "-c", f"import importlib.metadata as m; print(m.version({name!r}))"],
        capture_output=True,
        text=True,
    )
    return proc.stdout.strip() or "unknown"


def _token_for(ctx: Ctx, loc_index: int) -> dict[str, str]:
    start_url = fixtures.START_URL.format(n=loc_index)
    grant = ctx.standin.mint_token(expires_in=8 * 3600)
    return grant.cache_entry(start_url, fixtures.SSO_REGION)


@guarded
def peers(ctx: Ctx) -> None:
    tools: dict[str, str] = ctx.diagnostics.get("peer_tools", {})  # type: ignore[assignment]
    size = ctx.size
    fx = ctx.bh.configs[size]
    runs = ctx.n(8, 3)
    session = fx.sessions[-1]
    loc_index = fixtures.LOCATIONS.index(session.split(".", 1)[1])
    start_url = fixtures.START_URL.format(n=loc_index)
    # One signed-in token for the target's session under both keys: sha1(session name) for
    # sso-session profiles (CLI v2), sha1(start URL) for aws-sso-util's legacy lookup.
    entry = _token_for(ctx, loc_index)
    fixtures.write_token(ctx.bh.home, session, entry)
    legacy = hashlib.sha1(start_url.encode("utf-8")).hexdigest()
    legacy_path = ctx.bh.home / ".aws" / "sso" / "cache" / f"{legacy}.json"
    legacy_path.write_text(json.dumps(entry), encoding="utf-8")
    standin_env = ctx.standin.env()

    # --- AWS CLI v2 -------------------------------------------------------------------------
    aws = tools.get("aws", "")
    for sz in [s for s in ctx.sizes if s >= 1000]:
        what = f"AWS CLI v2 `aws configure list-profiles`, {sz:,} profiles"
        if aws.startswith("error"):
            ctx.add(Row(id=f"peers.aws.list.{sz}", group="peers", what=what, status=NA, note=aws))
            continue
        s = measure.time_command(
            [AWS_V2, "configure", "list-profiles"],
            ctx.env(sz),
            runs=max(3, runs // (2 if sz > 1000 else 1)),
            warmup=1,
        )
        ctx.add(
            ctx.row_from(
                s,
                id=f"peers.aws.list.{sz}",
                group="peers",
                what=what,
                command="/usr/bin/aws configure list-profiles",
                note="lists profile names (what omz's `asp` runs per switch and per TAB)",
            )
        )
    what = f"AWS CLI v2 `aws configure export-credentials --profile P`, {size:,} profiles"
    if aws.startswith("error"):
        ctx.add(Row(id="peers.aws.export", group="peers", what=what, status=NA, note=aws))
    else:
        env = ctx.env(size, AWS_DATA_PATH=ctx.standin.cli_data_path())
        s = measure.time_command(
            [
                AWS_V2,
                "configure",
                "export-credentials",
                "--profile",
                fx.targets[0],
                "--format",
                "env",
            ],
            env,
            runs=runs,
            warmup=1,
            before=ctx.bh.clear_cli_cache,
            check=check_stdout("AWS_ACCESS_KEY_ID"),
        )
        ctx.add(
            ctx.row_from(
                s,
                id="peers.aws.export",
                group="peers",
                what=what,
                command=f"/usr/bin/aws configure export-credentials --profile {fx.targets[0]}"
                " --format env",
                note="fetches role credentials (GetRoleCredentials on the stand-in, role "
                "cache cleared each run): the CLI's `eval $(… --format env)` switch",
            )
        )

    # --- oh-my-zsh asp ----------------------------------------------------------------------
    what = f"oh-my-zsh-style `asp NAME` in zsh, {size:,} profiles"
    if aws.startswith("error"):
        ctx.add(Row(id="peers.omz.asp", group="peers", what=what, status=NA, note=aws))
    else:
        script = (
            sc.prelude("zsh")
            + OMZ_ASP
            + sc.setenv("zsh", "AWS_CONFIG_FILE", str(fx.path))
            + sc.loop("zsh", runs + 1, sc.timed("zsh", "asp", f"asp {fx.targets[0]} >/dev/null"))
            + sc.check("asp", "$AWS_PROFILE")
        )
        res = measure.run_shell_script("zsh", script, ctx.env(), ctx.work)
        s = measure.drop_warmup(res.samples.get("asp", Sample(error="no data")), 1)
        fail = script_failure(res, ctx)
        if fail:
            s.error = fail
        ctx.add(
            ctx.row_from(
                s,
                id="peers.omz.asp",
                group="peers",
                what=what,
                command=f"zsh: asp {fx.targets[0]}",
                note="runs `aws configure list-profiles` + `aws configure get region`; "
                "needs the full name; its TAB runs list-profiles too",
            )
        )
        _omz_prompt(ctx, fx)

    # --- awsume -----------------------------------------------------------------------------
    awsume = tools.get("awsume", "error: not set up")
    creds = ctx.bh.home / ".aws" / "credentials"
    creds.write_text(
        f"[{KEYS_PROFILE}]\naws_access_key_id = AKIABENCHKEYS0000000\n"
        "aws_secret_access_key = benchsecretbenchsecretbenchsecret00000\nregion = eu-west-1\n",
        encoding="utf-8",
    )
    try:
        if awsume.startswith("error"):
            for key in ("switch", "list"):
                ctx.add(
                    Row(
                        id=f"peers.awsume.{key}",
                        group="peers",
                        what=f"awsume {key}",
                        status=NA,
                        note=awsume,
                    )
                )
        else:
            env = ctx.env(size, PATH=f"{awsume}:{ctx.bh.base_env['PATH']}")
            script = (
                sc.prelude("bash")
                + sc.setenv("bash", "AWS_CONFIG_FILE", str(fx.path))
                + sc.loop(
                    "bash",
                    runs + 1,
                    sc.timed("bash", "awsume", f". awsume {KEYS_PROFILE} >/dev/null 2>>$BENCH_ERR"),
                )
                + sc.check("awsume", "$AWS_ACCESS_KEY_ID")
            )
            res = measure.run_shell_script("bash", script, env, ctx.work)
            s = measure.drop_warmup(res.samples.get("awsume", Sample(error="no data")), 1)
            checks = dict(c.split(" ", 1) for c in res.checks if " " in c)
            if checks.get("awsume") != "AKIABENCHKEYS0000000":
                s.error = f"no keys exported: {ctx.stderr_tail()[-200:]}"
            ctx.add(
                ctx.row_from(
                    s,
                    id="peers.awsume.switch",
                    group="peers",
                    what=f"awsume `awsume {KEYS_PROFILE}` in bash, {size:,} profiles + 1 "
                    "keys profile",
                    command=f"bash: . awsume {KEYS_PROFILE}",
                    note="exports static keys from a keys profile (awsume has no native "
                    "SSO); Python + boto3 per switch",
                )
            )
            s = measure.time_command(
                [f"{awsume}/awsumepy", "--list-profiles"], env, runs=runs, warmup=1
            )
            ctx.add(
                ctx.row_from(
                    s,
                    id="peers.awsume.list",
                    group="peers",
                    what=f"awsume `awsume --list-profiles`, {size:,} profiles",
                    command="awsumepy --list-profiles",
                    note="prints a table of every profile",
                )
            )
    finally:
        creds.unlink(missing_ok=True)

    # --- aws-sso-util -----------------------------------------------------------------------
    assu = tools.get("aws-sso-util", "error: not set up")
    if assu.startswith("error"):
        for key in ("roles", "run-as"):
            ctx.add(
                Row(
                    id=f"peers.aws-sso-util.{key}",
                    group="peers",
                    what=f"aws-sso-util {key}",
                    status=NA,
                    note=assu,
                )
            )
    else:
        env = ctx.env(size, **standin_env)
        common = ["--sso-start-url", start_url, "--sso-region", fixtures.SSO_REGION]
        s = measure.time_command(
            [f"{assu}/aws-sso-util", "roles", *common],
            env,
            runs=max(2, runs // 2),
            warmup=1,
            check=lambda p: (
                None
                if p.stdout.count(b"\n") >= 100
                else f"exit {p.returncode}: {p.stderr.decode('utf-8', 'replace')[-300:]}"
            ),
        )
        ctx.add(
            ctx.row_from(
                s,
                id="peers.aws-sso-util.roles",
                group="peers",
                what=f"aws-sso-util `roles` ({size:,} roles from the portal)",
                command=f"aws-sso-util roles {' '.join(common)}",
                note="lists accounts and roles from the portal (stand-in, ListAccounts + "
                "ListAccountRoles per account); it is not a switcher",
            )
        )
        acct = fixtures.account_id(loc_index, fixtures.SIZES[size][1])
        argv = [
            f"{assu}/aws-sso-util",
            "run-as",
            *common,
            "--account-id",
            acct,
            "--role-name",
            "PowerUser",
            "true",
        ]
        s = measure.time_command(argv, env, runs=runs, warmup=1, before=ctx.bh.clear_cli_cache)
        ctx.add(
            ctx.row_from(
                s,
                id="peers.aws-sso-util.run-as",
                group="peers",
                what="aws-sso-util `run-as -a ACCOUNT -r ROLE true`",
                command=" ".join(["aws-sso-util", *argv[1:]]),
                note="fetches role credentials and runs a command with them (its nearest "
                "thing to a switch; a subprocess, not the current shell)",
            )
        )
    fixtures.write_fresh_tokens(ctx.bh.home)


def _omz_prompt(ctx: Ctx, fx: fixtures.ConfigFixture) -> None:
    """omz's documented prompt: `$(aws_prompt_info)` in RPROMPT, one fork per render."""
    renders = ctx.n(1000, 200)
    body = (
        "setopt prompt_subst\nRPROMPT='$(aws_prompt_info)'\nPROMPT='%# '\n"
        f"export AWS_PROFILE={fx.targets[0]}\n"
        "__bench_render() { __ps=${(%%)PROMPT}; __rps=${(%%)RPROMPT}; }\n"
    )
    script = (
        sc.prelude("zsh")
        + OMZ_ASP
        + body
        + sc.mark("START")
        + sc.timed_block("zsh", "omz", sc.loop("zsh", renders, "__bench_render"))
        + sc.mark("END")
    )
    res = measure.run_shell_script("zsh", script, ctx.env(), ctx.work)
    trace = ctx.work / "strace-omz-prompt.txt"
    counted = None
    if measure.strace_path():
        measure.run_shell_script(
            "zsh", script, ctx.env(), ctx.work, wrapper=measure.strace_command([], trace)
        )
        counted = measure.parse_strace(trace)
    sample = res.samples.get("omz")
    row = Row(
        id="peers.omz.prompt",
        group="peers",
        what="oh-my-zsh `$(aws_prompt_info)` prompt: processes per render (zsh)",
        unit="procs/render",
        command="zsh: RPROMPT='$(aws_prompt_info)', prompt_subst",
    )
    if counted is not None:
        row.value = round(counted.forks / renders, 3)
    if sample and sample.times:
        row.note = f"{sample.times[0] / renders * 1e6:.0f} µs per render"
    if row.value is None:
        row.status = NA
    ctx.add(row)

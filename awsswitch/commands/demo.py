"""`awsswitch demo [SHELL]`: a sandboxed interactive shell to try awsswitch offline.

A temporary HOME holds the seed walkthrough's `[sso-session awssso.home]` and
`[profile awsprofile.home.poweruser]` plus a few more accounts and roles; the local IAM
Identity Center stand-in runs in a thread of this process (auto-approving logins after two
polls, so the device flow is visible) and also plays STS and the console sign-in federation
endpoint, so `status --verify`, `exec`, `export` and `console --url` work offline; the shell
starts with the integration and its prompt segment loaded. Leaving the shell stops the stand-in
and removes the sandbox.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from awsswitch.context import Environment
from awsswitch.errors import AwsswitchError, UsageError

if TYPE_CHECKING:
    from awsswitch.standin import StandIn

SHELLS = ("bash", "zsh", "fish")
SESSION = "awssso.home"
# An AWS-owned start URL form (no vanity-URL probe by any CLI version); every request
# actually goes to the stand-in on 127.0.0.1.
START_URL = "https://d-1234567890.awsapps.com/start"
REGION = "eu-west-1"
# (account id, account name, roles) the stand-in grants; one profile per role below.
ACCOUNTS = (
    ("123412341234", "home", ("PowerUserAccess", "ReadOnlyAccess")),
    ("210987654321", "work", ("AdministratorAccess", "ReadOnlyAccess")),
    ("555566667777", "lab", ("PowerUserAccess",)),
)
_ROLE_SHORT = {
    "PowerUserAccess": "poweruser",
    "ReadOnlyAccess": "readonly",
    "AdministratorAccess": "admin",
}
_SCRUB_PREFIXES = ("AWS_", "AWSSWITCH_", "AWSUME_", "AWSU_")
_SCRUB = ("ZDOTDIR", "BASH_ENV", "ENV", "PROMPT_COMMAND", "XDG_CONFIG_HOME", "XDG_CACHE_HOME",
          "XDG_DATA_HOME", "XDG_STATE_HOME")  # fmt: skip


def default_shell(env: Mapping[str, str]) -> str:
    name = os.path.basename(env.get("SHELL", ""))
    return name if name in SHELLS else "bash"


def config_text() -> str:
    """The demo's ~/.aws/config: the seed's session and profile first, then the others."""
    lines = [
        f"[sso-session {SESSION}]",
        f"sso_start_url = {START_URL}",
        f"sso_region = {REGION}",
        "sso_registration_scopes = sso:account:access",
    ]
    for account_id, name, roles in ACCOUNTS:
        for role in roles:
            lines += [
                "",
                f"[profile awsprofile.{name}.{_ROLE_SHORT[role]}]",
                f"sso_session = {SESSION}",
                f"sso_account_id = {account_id}",
                f"sso_role_name = {role}",
                f"region = {REGION}",
            ]
    return "\n".join(lines) + "\n"


def start_standin() -> StandIn:
    """The demo's stand-in, running: the accounts above, logins approved after two polls."""
    from awsswitch.standin import StandIn

    return StandIn(
        accounts=[(a, n, f"{n}@example.com", r) for a, n, r in ACCOUNTS],
        auto_approve_after=2,
        interval=1,
    ).start()


def run(shell: str | None, ctx: Environment | None = None) -> int:
    ctx = ctx or Environment()
    shell = shell or default_shell(ctx.env)
    if shell not in SHELLS:
        raise UsageError(f"demo: unsupported shell {shell!r} (choose bash, zsh or fish)")
    shell_path = ctx.which(shell)
    if shell_path is None:
        raise AwsswitchError(f"demo: {shell} is not installed")
    if not ctx.stdin_isatty:
        raise AwsswitchError("demo starts an interactive shell: run it in a terminal")

    root = tempfile.mkdtemp(prefix="awsswitch-demo-")
    standin: StandIn | None = None
    try:
        home = os.path.join(root, "home")
        _write(os.path.join(home, ".aws", "config"), config_text())
        standin = start_standin()
        # SSO, STS and federation endpoints (AWS_ENDPOINT_URL_*, AWSSWITCH_FEDERATION_ENDPOINT)
        # plus AWS_DATA_PATH for AWS CLI versions that ignore AWS_ENDPOINT_URL_*.
        env = environment(root, home, standin.env(cli_data_path=True), ctx.env)
        argv = _prepare_shell(shell, shell_path, root, home, env)
        _banner(shell, root, standin.url)
        return _run_shell(argv, env)
    finally:
        if standin is not None:
            standin.stop()
        shutil.rmtree(root, ignore_errors=True)


def _write(path: str, text: str, mode: int = 0o644) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.chmod(path, mode)


def environment(
    root: str, home: str, standin_env: Mapping[str, str], outer: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The demo shell's environment: the caller's (`outer`, default os.environ), minus AWS and
    shell start-up variables, with HOME and the AWS files in the sandbox and every endpoint on
    the stand-in."""
    outer = os.environ if outer is None else outer
    env = {k: v for k, v in outer.items() if not k.startswith(_SCRUB_PREFIXES) and k not in _SCRUB}
    bindir = os.path.join(root, "bin")
    # `awsswitch` inside the demo is this very installation, whatever PATH says.
    _write(
        os.path.join(bindir, "awsswitch"),
        f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m awsswitch "$@"\n',
        0o755,
    )
    env.update(
        {
            "HOME": home,
            "AWS_CONFIG_FILE": os.path.join(home, ".aws", "config"),
            "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, ".aws", "credentials"),
            "XDG_CONFIG_HOME": os.path.join(home, ".config"),
            "XDG_CACHE_HOME": os.path.join(home, ".cache"),
            "XDG_DATA_HOME": os.path.join(home, ".local", "share"),
            "XDG_STATE_HOME": os.path.join(home, ".local", "state"),
            "AWS_EC2_METADATA_DISABLED": "true",
            "NO_PROXY": "127.0.0.1,localhost",
            # Log in with the built-in device flow: no AWS CLI, no browser, no internet.
            "AWSSWITCH_AWS_CLI": "native",
            "AWSSWITCH_DEMO": root,
            "PATH": bindir + os.pathsep + outer.get("PATH", os.defpath),
            **standin_env,
        }
    )
    return env


def _init_code(shell: str, env: Mapping[str, str]) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "awsswitch", "init", shell, "--prompt"],
        env=dict(env),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if proc.returncode != 0:
        raise AwsswitchError(f"demo: `awsswitch init {shell} --prompt` failed: {proc.stderr}")
    return proc.stdout


def _prepare_shell(
    shell: str, shell_path: str, root: str, home: str, env: dict[str, str]
) -> list[str]:
    """Write the rc file that loads the integration; the command line that starts the shell."""
    init = os.path.join(root, f"init.{shell}")
    _write(init, _init_code(shell, env))
    q = shlex.quote(init)
    if shell == "bash":
        rc = os.path.join(root, "bashrc")
        _write(rc, f"PS1='awsswitch-demo \\W \\$ '\nsource {q}\n")
        return [shell_path, "--noprofile", "--rcfile", rc, "-i"]
    if shell == "zsh":
        zdot = os.path.join(root, "zdotdir")
        env["ZDOTDIR"] = zdot
        dump = shlex.quote(os.path.join(root, "zcompdump"))
        _write(
            os.path.join(zdot, ".zshrc"),
            f"PROMPT='awsswitch-demo %1~ %# '\nautoload -Uz compinit && compinit -u -d {dump}\n"
            f"source {q}\n",
        )
        return [shell_path, "-i"]
    # Present, so fish does not start a background `fish_update_completions` that would
    # outlive the shell and write into the sandbox after it is removed.
    os.makedirs(os.path.join(home, ".local", "share", "fish", "generated_completions"))
    _write(
        os.path.join(home, ".config", "fish", "config.fish"),
        "set -g fish_greeting ''\n"
        "function fish_prompt\n"
        "    printf 'awsswitch-demo %s> ' (prompt_pwd)\n"
        "end\n"
        f"source {q}\n",
    )
    return [shell_path, "-i"]


def _banner(shell: str, root: str, url: str) -> None:
    first = "awsprofile.home.poweruser"
    print(
        f"""awsswitch demo: a {shell} in a throwaway HOME ({root}).
Its ~/.aws/config has [sso-session {SESSION}] ({START_URL}, an AWS-style
start URL that really points at a local IAM Identity Center stand-in on {url})
and profiles for three accounts, starting with [profile {first}].
Logins are approved automatically after two polls. Nothing here touches your own files.

Try:  asw home.poweruser          log in once (device flow) and switch; see the prompt
      asw work.admin              same session: no second login
      asw -                       back to the previous profile
      asw                         the picker;   asw -u   leave every profile
      awsswitch status            why a profile is active, token state and time left
      awsswitch status --verify   ask STS who the active profile really is
      awsswitch list              every profile with its token state
      awsswitch exec work.admin -- aws sts get-caller-identity
                                  one command as another profile (--env-credentials: as
                                  plain keys; --server: through a local credential server)
      awsswitch export            the active profile's temporary credentials as shell lines
      awsswitch console --url     a console sign-in URL for the active profile
      awsswitch logout            end the session (the next switch logs in again)
STS and the console sign-in endpoint are the stand-in's too: nothing leaves this machine.
Type `exit` to leave: the stand-in stops and the sandbox is removed.
""",
        flush=True,
    )


@contextlib.contextmanager
def _signals(proc: subprocess.Popen[bytes]) -> Iterator[None]:
    """Ctrl-C belongs to the shell, not to us; a hangup or TERM is passed on to it."""

    def forward(signum: int, _frame: object) -> None:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signum)

    previous = {
        signal.SIGINT: signal.signal(signal.SIGINT, lambda *_: None),
        signal.SIGTERM: signal.signal(signal.SIGTERM, forward),
        signal.SIGHUP: signal.signal(signal.SIGHUP, forward),
    }
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _run_shell(argv: list[str], env: Mapping[str, str]) -> int:
    proc = subprocess.Popen(argv, env=dict(env), cwd=env["HOME"])
    with _signals(proc):
        code = proc.wait()
    return code if code >= 0 else 128 - code

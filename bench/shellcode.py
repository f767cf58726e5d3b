"""Shell code the bench runs inside bash, zsh and fish: timing lines, loops, init, checks.

Each generated script times itself (bash/zsh `$EPOCHREALTIME`, fish's `time` keyword) and appends
`T label start end` / `L label` / `CHECK ...` / `FAIL label rc` lines to `$BENCH_OUT`.
"""

from __future__ import annotations

import shlex
import shutil

SHELLS = ("bash", "zsh", "fish")


def q(shell: str, value: str) -> str:
    """Quote a word for `shell` (fish single quotes treat backslash and quote as escapes)."""
    if shell == "fish":
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return shlex.quote(value)


def prelude(shell: str) -> str:
    if shell == "bash":
        return "set +e\n"
    if shell == "zsh":
        return "zmodload zsh/datetime\nsetopt no_nomatch\n"
    return ""


def timed(shell: str, label: str, cmd: str) -> str:
    """One timed statement; the command's status is checked after the clock stops."""
    if shell == "fish":
        return (
            f"echo 'L {label}' >>$BENCH_OUT\n"
            f"time {cmd}\n"
            f"or echo 'FAIL {label}' $status >>$BENCH_OUT\n"
        )
    return (
        f"__t0=$EPOCHREALTIME; {cmd}; __rc=$?; __t1=$EPOCHREALTIME\n"
        f'printf \'T %s %s %s\\n\' {label} "$__t0" "$__t1" >>"$BENCH_OUT"\n'
        f'[ "$__rc" -eq 0 ] || echo "FAIL {label} $__rc" >>"$BENCH_OUT"\n'
    )


def timed_block(shell: str, label: str, body: str) -> str:
    """Time a whole block once (e.g. 1,000 prompt renders): one `T`/`L` line."""
    if shell == "fish":
        return f"echo 'L {label}' >>$BENCH_OUT\ntime begin\n{body}\nend\n"
    return (
        f"__t0=$EPOCHREALTIME\n{body}\n__t1=$EPOCHREALTIME\n"
        f'printf \'T %s %s %s\\n\' {label} "$__t0" "$__t1" >>"$BENCH_OUT"\n'
    )


def loop(shell: str, n: int, body: str) -> str:
    """`n` iterations that start no process (fish: builtins `test` and `math`, not `seq`)."""
    if n <= 0:
        return ""
    if shell == "fish":
        return f"set -l __i 0\nwhile test $__i -lt {n}\nset __i (math $__i + 1)\n{body}\nend\n"
    return f"for ((__i = 0; __i < {n}; __i++)); do\n{body}\ndone\n"


def setenv(shell: str, name: str, value: str) -> str:
    if shell == "fish":
        return f"set -gx {name} {q(shell, value)}\n"
    return f"export {name}={q(shell, value)}\n"


def init(shell: str, args: str = "") -> str:
    """Load the integration exactly as the README says, failing the script (exit 3) if `init`
    fails and (exit 4) if it defined no `asw`."""
    args = f" {args}" if args else ""
    if shell == "fish":
        return (
            f"awsswitch init fish{args} >$BENCH_DIR/init.fish 2>>$BENCH_ERR\n"
            "or begin; echo INITFAIL; exit 3; end\n"
            "source $BENCH_DIR/init.fish\n"
            "functions -q asw; or begin; echo NOASW; exit 4; end\n"
        )
    return (
        f'__init=$(awsswitch init {shell}{args} 2>>"$BENCH_ERR") || {{ echo INITFAIL; exit 3; }}\n'
        'eval "$__init"\n'
        "type asw >/dev/null 2>&1 || { echo NOASW; exit 4; }\n"
    )


def check(label: str, expr: str) -> str:
    """Record `expr` (shell syntax, e.g. `$AWS_PROFILE`) as `CHECK label value`."""
    return f'echo "CHECK {label} {expr}" >>$BENCH_OUT\n'


TRUE = shutil.which("true") or "/bin/true"


def mark(which: str) -> str:
    """A fork+exec strace can find: `/usr/bin/true BENCH_MARK_START` (an absolute path: bash's
    `command true` would run the builtin and start nothing)."""
    return f"{TRUE} BENCH_MARK_{which}\n"


def rm_rf(shell: str, var: str) -> str:
    if shell == "fish":
        return f"command rm -rf ${var}\n"
    return f'command rm -rf "${var}"\n'

"""The interactive profile picker behind `asw` alone (and an ambiguous `asw NAME`).

fzf when it is on PATH, a built-in one otherwise (`AWSSWITCH_PICKER=builtin|fzf` forces
one). Both draw on /dev/tty: the switch core's stdout is shell code for the wrapper to
evaluate and must carry nothing else. Rows show the short name, the sso-session (or the
profile's kind), the account and the role. Stdlib only; imported only when a picker opens.
"""

from __future__ import annotations

import os

from awsswitch.context import display
from awsswitch.errors import AwsswitchError, UsageError

# Annotation-only imports, as on the rest of the switch path.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from awsswitch.config.profiles import Profile
    from awsswitch.context import Environment

_MAX_COL = 40
PICKERS = ("auto", "fzf", "builtin")


def rows_for(profiles: Sequence[Profile], current: str | None = None) -> tuple[str, list[str]]:
    """(header, one aligned row per profile): short name, session or kind, account, role."""
    cells = []
    for p in profiles:
        where = p.sso_session or (p.sso_start_url and "(legacy sso)") or f"({p.kind})"
        if p.kind not in ("sso", "sso-legacy") and p.source_profile:
            where = f"({p.kind} via {p.source_profile})"
        account, role = p.acts_as
        cells.append(
            [
                ("* " if p.name == current else "  ") + display(p.short),
                display(where),
                display(account or ""),
                display(role or ""),
            ]
        )
    titles = ["  PROFILE", "SESSION", "ACCOUNT", "ROLE"]
    widths = [
        min(_MAX_COL, max([len(t)] + [len(c[i]) for c in cells])) for i, t in enumerate(titles)
    ]

    def line(cols: list[str]) -> str:
        parts = [c[: widths[i]].ljust(widths[i]) for i, c in enumerate(cols[:-1])]
        return "  ".join([*parts, cols[-1]]).rstrip()

    return line(titles), [line(c) for c in cells]


def pick(
    profiles: Sequence[Profile],
    *,
    query: str = "",
    current: str | None = None,
    ctx: Environment,
) -> Profile | None:
    """Let the person choose one of `profiles`; None when they cancel (Esc, Ctrl-C)."""
    mode = picker_mode(ctx)
    if not profiles:
        raise AwsswitchError("no profiles: add one with `awsswitch configure profile NAME`")
    header, rows = rows_for(profiles, current)
    fzf = ctx.which("fzf") if mode != "builtin" else None
    if mode == "fzf" and fzf is None:
        raise AwsswitchError("AWSSWITCH_PICKER=fzf but fzf is not on PATH")
    index = _fzf(fzf, header, rows, query) if fzf else _builtin(header, rows, query)
    return None if index is None else profiles[index]


def picker_mode(ctx: Environment) -> str:
    """AWSSWITCH_PICKER: auto (unset or empty), fzf or builtin; anything else is bad usage."""
    mode = ctx.get("AWSSWITCH_PICKER") or "auto"
    if mode not in PICKERS:
        raise UsageError(
            f"AWSSWITCH_PICKER='{display(mode)}' is not a picker: set it to fzf or builtin, "
            "or unset it (auto: fzf when it is on PATH)"
        )
    return mode


def _fzf(fzf: str, header: str, rows: list[str], query: str) -> int | None:
    import subprocess

    lines = "".join(f"{i}\t{row}\n" for i, row in enumerate(rows))
    args = [
        fzf,
        "--delimiter=\t",
        "--with-nth=2..",
        "--no-multi",
        "--height=40%",
        "--layout=reverse",
        "--prompt=asw> ",
        f"--header={header}",
        f"--query={query}",
    ]
    try:
        # stdin: the rows; stdout: the choice; fzf reads keys from and draws on /dev/tty.
        done = subprocess.run(args, input=lines, stdout=subprocess.PIPE, text=True, check=False)
    except OSError as exc:
        raise AwsswitchError(f"cannot run fzf: {exc}") from None
    if done.returncode == 0:
        first = done.stdout.split("\t", 1)[0]
        return int(first) if first.isdigit() else None
    if done.returncode in (1, 130):  # no match / Esc, Ctrl-C
        return None
    raise AwsswitchError(f"fzf failed (exit status {done.returncode})")


# -- the built-in picker -------------------------------------------------------------------


def rank(rows: Sequence[str], query: str) -> list[int]:
    """Indexes of rows matching every word of `query` (case-insensitive, in order as a
    subsequence); rows where every word is a plain substring come first."""
    terms = query.casefold().split()
    if not terms:
        return list(range(len(rows)))
    exact: list[int] = []
    loose: list[int] = []
    for i, row in enumerate(rows):
        text = row.casefold()
        if all(t in text for t in terms):
            exact.append(i)
        elif all(_subsequence(t, text) for t in terms):
            loose.append(i)
    return exact + loose


def _subsequence(needle: str, haystack: str) -> bool:
    it = iter(haystack)
    return all(c in it for c in needle)


class _Screen:
    """A few lines under the cursor on /dev/tty, redrawn in place."""

    PROMPT = "asw> "

    def __init__(self, fd: int, header: str, rows: list[str], query: str) -> None:
        self.fd = fd
        self.header = header
        self.rows = rows
        self.query = query
        self.cursor = 0  # position in the matches
        self.top = 0  # first match shown
        try:
            size = os.get_terminal_size(fd)
            self.width, height = max(20, size.columns), max(6, size.lines)
        except OSError:
            self.width, height = 80, 24
        self.visible = max(1, min(len(rows), 12, height // 2 - 2))
        self.matches = rank(rows, query)
        self.drawn = 0

    def write(self, text: str) -> None:
        data = text.encode("utf-8", "replace")
        while data:
            data = data[os.write(self.fd, data) :]

    def draw(self) -> None:
        if self.cursor >= len(self.matches):
            self.cursor = max(0, len(self.matches) - 1)
        if self.cursor < self.top:
            self.top = self.cursor
        elif self.cursor >= self.top + self.visible:
            self.top = self.cursor - self.visible + 1
        room = self.width - 3
        lines = [
            self.PROMPT + self.query,
            f"\x1b[2m  {len(self.matches)}/{len(self.rows)}  {self.header[: room - 12]}\x1b[0m",
        ]
        for pos in range(self.top, min(len(self.matches), self.top + self.visible)):
            row = self.rows[self.matches[pos]][:room]
            lines.append(f"\x1b[7m> {row}\x1b[0m" if pos == self.cursor else f"  {row}")
        if self.drawn == 0:
            # Make room first, so the terminal scrolls now rather than mid-redraw.
            total = 2 + self.visible
            self.write("\n" * (total - 1) + f"\x1b[{total - 1}A" if total > 1 else "")
        out = "\r\x1b[J" + "\r\n".join(lines)
        if len(lines) > 1:
            out += f"\x1b[{len(lines) - 1}A"
        out += "\r" + (f"\x1b[{len(self.PROMPT) + len(self.query)}C")
        self.write(out)
        self.drawn = len(lines)

    def clear(self) -> None:
        self.write("\r\x1b[J")

    def set_query(self, query: str) -> None:
        self.query = query
        self.matches = rank(self.rows, query)
        self.cursor = 0
        self.top = 0

    def move(self, delta: int) -> None:
        if self.matches:
            self.cursor = (self.cursor + delta) % len(self.matches)


_UP = {"\x1b[A", "\x1bOA", "\x10", "\x1b[Z"}
_DOWN = {"\x1b[B", "\x1bOB", "\x0e", "\t"}
_CANCEL = {"\x03", "\x07", "\x1b"}


def _keys(data: str) -> list[str]:
    """Split what one read returned into keys (escape sequences stay whole)."""
    keys: list[str] = []
    i = 0
    while i < len(data):
        c = data[i]
        if c == "\x1b" and i + 1 < len(data) and data[i + 1] in "[O":
            j = i + 2
            while j < len(data) and not ("@" <= data[j] <= "~"):
                j += 1
            keys.append(data[i : j + 1])
            i = j + 1
        else:
            keys.append(c)
            i += 1
    return keys


def _builtin(header: str, rows: list[str], query: str) -> int | None:
    import codecs
    import termios

    try:
        fd = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
    except OSError:
        raise AwsswitchError("the picker needs a terminal (/dev/tty)") from None
    try:
        saved = termios.tcgetattr(fd)
    except termios.error:
        os.close(fd)
        raise AwsswitchError("the picker needs a terminal (/dev/tty)") from None
    raw = termios.tcgetattr(fd)
    raw[0] &= ~(termios.ICRNL | termios.IXON)
    raw[3] &= ~(termios.ICANON | termios.ECHO | termios.ISIG | termios.IEXTEN)
    raw[6][termios.VMIN] = 1
    raw[6][termios.VTIME] = 0
    screen = _Screen(fd, header, rows, query)
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    try:
        termios.tcsetattr(fd, termios.TCSADRAIN, raw)
        screen.draw()
        while True:
            data = os.read(fd, 256)
            if not data:
                return None
            for key in _keys(decoder.decode(data)):
                if key in _CANCEL or (key == "\x04" and not screen.query):
                    return None
                if key in ("\r", "\n"):
                    if screen.matches:
                        return screen.matches[screen.cursor]
                    continue
                if key in _UP:
                    screen.move(-1)
                elif key in _DOWN:
                    screen.move(1)
                elif key in ("\x7f", "\x08"):
                    screen.set_query(screen.query[:-1])
                elif key == "\x15":  # Ctrl-U
                    screen.set_query("")
                elif key == "\x17":  # Ctrl-W
                    screen.set_query(screen.query.rstrip().rpartition(" ")[0])
                elif len(key) == 1 and key.isprintable():
                    screen.set_query(screen.query + key)
            screen.draw()
    finally:
        try:
            screen.clear()
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)
            os.close(fd)

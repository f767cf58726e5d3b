"""What `doctor` knows about the world, gathered once: the environment, the user's shell,
the config and credentials files (parsed with botocore's rules, each on its own so that one
broken file does not hide the other), the profile index, and the profile the user means.

Nothing here touches the network; the only processes `doctor` may start are `aws --version`
(checks.tools) and, with --verify, one Python child for STS (verify)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from awsswitch import files, paths
from awsswitch.config import profiles, reader
from awsswitch.context import Environment
from awsswitch.doctor.fixes import Fixes
from awsswitch.doctor.model import Finding
from awsswitch.errors import ConfigParseError
from awsswitch.shells import SUPPORTED

# Exported by the shell integration (`awsswitch init`) with the shell's name: tells a child
# process such as `doctor` that the shell it runs in has loaded the integration.
SHELL_MARKER = "AWSSWITCH_SHELL"


@dataclass
class LoadedFile:
    """One of the two AWS files: where it is, and its sections when it could be read."""

    variable: str  # AWS_CONFIG_FILE or AWS_SHARED_CREDENTIALS_FILE
    path: str  # expanded as botocore expands it
    explicit: bool  # named by the variable, and not the default path
    sections: dict[str, Any] | None = None  # raw sections; None when unreadable
    text_lines: list[str] | None = None  # for pointing at a section's line
    parse_error: ConfigParseError | None = None  # botocore refuses the whole file


@dataclass
class Facts:
    ctx: Environment
    shell: str  # the dialect fixes are written in: bash, zsh or fish
    parent_shell: str | None  # the shell that runs doctor, when it can be seen
    fixes: Fixes
    config: LoadedFile
    credentials: LoadedFile
    index: profiles.ProfileIndex | None = None
    config_profiles: dict[str, dict[str, Any]] = field(default_factory=dict)
    file_findings: list[Finding] = field(default_factory=list)
    requested: str | None = None  # PROFILE as typed
    intended: str | None = None  # the profile the user probably means (see `intent`)
    intended_why: str = ""

    @property
    def env(self) -> Mapping[str, str]:
        return self.ctx.env

    def profile(self, name: str | None) -> profiles.Profile | None:
        if name is None or self.index is None:
            return None
        return self.index.by_name.get(name)

    def editor(self) -> str | None:
        return self.env.get("VISUAL") or self.env.get("EDITOR") or None


def parent_shell(ctx: Environment) -> str | None:
    """The name of the process that started this one (`bash`, `zsh`, `fish`...), read from
    /proc; None elsewhere, or when `ctx` is not the real world (tests build their own)."""
    if ctx.env is not os.environ:
        return None
    try:
        with open(f"/proc/{os.getppid()}/comm", encoding="utf-8", errors="replace") as fh:
            name = fh.read(64).strip()
    except OSError:
        return None
    return name.lstrip("-") or None


def choose_shell(ctx: Environment, parent: str | None) -> str:
    """The dialect for fix commands: the parent shell, the integration's marker, $SHELL."""
    login = os.path.basename(ctx.env.get("SHELL", ""))
    for candidate in (parent, ctx.env.get(SHELL_MARKER), login):
        if candidate in SUPPORTED:
            return candidate
    return "bash"  # POSIX commands are the likeliest to work anywhere else


def _lines(data: bytes | None, path: str) -> list[str] | None:
    if data is None:
        return None
    try:
        return reader.decode(data, path).split("\n")
    except ConfigParseError:
        return None


def load_file(variable: str, default: str, env: Mapping[str, str]) -> LoadedFile:
    path = paths.expand(env.get(variable) or default, env)
    # Naming the default path is the same as not naming one.
    explicit = bool(env.get(variable)) and path != paths.expand(default, env)
    return LoadedFile(variable=variable, path=path, explicit=explicit)


def parse(loaded: LoadedFile) -> ConfigParseError | files.FileFault | None:
    """Read and parse `loaded` in place; the error botocore would hit, if any."""
    try:
        data = reader.read_file(loaded.path)
    except files.FileFault as exc:
        return exc
    except (OSError, ValueError) as exc:  # a NUL in the path
        return files.FileFault(f"cannot read {loaded.path}: {exc}", loaded.path)
    loaded.text_lines = _lines(data, loaded.path)
    try:
        loaded.sections = reader.raw_parse(loaded.path, expand=False) if data is not None else {}
    except ConfigParseError as exc:
        loaded.parse_error = exc
        return exc
    except files.FileFault as exc:  # changed between the two reads
        return exc
    return None


def section_line(loaded: LoadedFile, names: tuple[str, ...]) -> int | None:
    """The 1-based line of the first `[NAME]` header (any of `names`), for an editor."""
    for number, line in enumerate(loaded.text_lines or (), start=1):
        text = line.strip()
        if text.startswith("[") and "]" in text:
            header = text[1 : text.rindex("]")].strip()
            if header in names:
                return number
    return None


def build_index(facts: Facts) -> None:
    """The profile index from the files as parsed (a broken file counts as empty here; its
    own finding says why)."""
    raw_config = dict(facts.config.sections or {})
    config = reader.build_profile_map({k: dict(v) for k, v in raw_config.items()})
    facts.config_profiles = {
        name: dict(values) for name, values in config.get("profiles", {}).items()
    }
    facts.index = profiles.build_index(config, dict(facts.credentials.sections or {}))

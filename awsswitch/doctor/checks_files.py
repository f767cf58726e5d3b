"""The AWS files: where the variables point, whether botocore can parse them, who else can
read them, and `[credentials]` sections whose keys shadow what the config says."""

from __future__ import annotations

import errno
import os
import stat

from awsswitch import files, paths
from awsswitch.config import profiles
from awsswitch.doctor.facts import Facts, LoadedFile, parse, section_line
from awsswitch.doctor.model import INFO, PROBLEM, Finding
from awsswitch.errors import ConfigParseError

_KINDS = {
    stat.S_IFIFO: "a FIFO (named pipe): botocore would wait on it forever",
    stat.S_IFDIR: "a directory: botocore sees no file there",
    stat.S_IFSOCK: "a socket: botocore sees no file there",
    stat.S_IFBLK: "a block device",
    stat.S_IFCHR: "a character device",
}
_MAX_CACHE_FILES = 10_000  # a token or credential cache folder holds a few dozen


def _what(loaded: LoadedFile) -> str:
    return "config file" if loaded.variable == "AWS_CONFIG_FILE" else "credentials file"


def _away(facts: Facts, loaded: LoadedFile) -> str:
    """The fix that takes a bad path out of the way: drop the variable that names it."""
    return facts.fixes.unset([loaded.variable]) if loaded.explicit else ""


def check_path(facts: Facts, loaded: LoadedFile) -> bool:
    """Findings for where `loaded` points; True when it is a file worth parsing."""
    path, what, var = loaded.path, _what(loaded), loaded.variable
    add = facts.file_findings.append
    raw = facts.env.get(var)
    subject = path
    if loaded.explicit and not os.path.isabs(path):
        add(
            Finding(
                "file-relative",
                PROBLEM,
                f"{var} is a relative path ({raw})",
                f"botocore opens it from the current directory, so the {what} changes "
                "with every cd",
                fix=facts.fixes.export([(var, os.path.abspath(path))]),
                subject=subject,
            )
        )
    try:
        os.lstat(path)
    except FileNotFoundError:
        if loaded.explicit:
            add(
                Finding(
                    "file-missing",
                    PROBLEM,
                    f"{var} names a {what} that does not exist: {path}",
                    f"botocore then sees no {what}: "
                    + (
                        "every named profile is 'not found'"
                        if var == "AWS_CONFIG_FILE"
                        else "no profile gets keys from it"
                    ),
                    fix=_away(facts, loaded),
                    subject=subject,
                )
            )
        return False
    except (OSError, ValueError) as exc:
        add(_unreadable(facts, loaded, str(exc)))
        return False
    try:
        st = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            why = "it is a symlink loop: botocore sees no file there"
        elif exc.errno == errno.ENOENT:
            why = f"it is a symlink to nothing ({os.readlink(path)}): botocore sees no file"
        else:
            why = files.fault(exc, path, "read").message
        fix = _away(facts, loaded) or facts.fixes.command("rm", "--", path)
        add(Finding("file-unusual", PROBLEM, f"the {what} {path} is unusable", why, fix=fix,
                    subject=subject))  # fmt: skip
        return False
    kind = stat.S_IFMT(st.st_mode)
    if kind != stat.S_IFREG:
        if kind == stat.S_IFCHR and _is_null(st):
            add(
                Finding(
                    "file-disabled",
                    INFO,
                    f"{var} is {path}",
                    f"botocore reads no {what} at all",
                    subject=subject,
                )
            )
            return False
        fix = _away(facts, loaded) or facts.fixes.command("mv", "--", path, path + ".moved")
        add(
            Finding(
                "file-unusual",
                PROBLEM,
                f"the {what} {path} is not a regular file",
                f"it is {_KINDS.get(kind, 'not a regular file')}",
                fix=fix,
                subject=subject,
            )
        )
        return False
    if not os.access(path, os.R_OK):
        add(_unreadable(facts, loaded, "permission denied"))
        return False
    _check_mode(facts, path, st, what, facts.fixes.last("chmod", "600", path))
    return True


def _unreadable(facts: Facts, loaded: LoadedFile, reason: str) -> Finding:
    return Finding(
        "file-unreadable",
        PROBLEM,
        f"the {_what(loaded)} {loaded.path} cannot be read ({reason})",
        "botocore fails or sees no profiles from it",
        fix=_away(facts, loaded) or None,
        hint=None if loaded.explicit else "check the owner and mode: ls -l " + loaded.path,
        subject=loaded.path,
    )


def _is_null(st: os.stat_result) -> bool:
    try:
        return os.stat(os.devnull).st_rdev == st.st_rdev
    except OSError:
        return False


def _check_mode(facts: Facts, path: str, st: os.stat_result, what: str, fix: str) -> None:
    mode = st.st_mode & 0o777
    if not mode & 0o066:
        return
    who = "read" if mode & 0o044 and not mode & 0o022 else "changed"
    if mode & 0o044 and mode & 0o022:
        who = "read and changed"
    facts.file_findings.append(
        Finding(
            "file-permissions",
            PROBLEM,
            f"the {what} {path} can be {who} by other users (mode {mode:03o})",
            "it holds what signs your AWS calls (keys, tokens, or the commands and roles that "
            "produce them); the AWS CLI writes these files 0600",
            fix=fix,
            subject=path,
        )
    )


def check_parse(facts: Facts, loaded: LoadedFile) -> None:
    error = parse(loaded)
    if error is None:
        return
    if isinstance(error, ConfigParseError):
        facts.file_findings.append(
            Finding(
                "config-parse",
                PROBLEM,
                f"the {_what(loaded)} does not parse: {error.path}"
                + (f", line {error.lineno}" if error.lineno else ""),
                f"{error.reason}; botocore refuses the whole file, so every AWS call that "
                "reads it fails",
                fix=facts.fixes.edit(error.path, error.lineno, facts.editor()),
                subject=error.path,
                details={"line": str(error.lineno or "")},
            )
        )
    else:
        facts.file_findings.append(_unreadable(facts, loaded, error.message))


def check_caches(facts: Facts) -> None:
    """Token and role-credential caches readable by others (each file holds a secret)."""
    for folder, what in (
        (paths.sso_cache_dir(facts.env), "SSO token cache"),
        (paths.cli_cache_dir(facts.env), "AWS CLI credential cache"),
    ):
        loose = []
        try:
            with os.scandir(folder) as entries:
                for count, entry in enumerate(entries):
                    if count >= _MAX_CACHE_FILES:
                        break
                    try:
                        st = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    if stat.S_ISREG(st.st_mode) and st.st_mode & 0o066:
                        loose.append(entry.name)
        except OSError:
            continue
        if not loose:
            continue
        shown = ", ".join(sorted(loose)[:3]) + (", ..." if len(loose) > 3 else "")
        facts.file_findings.append(
            Finding(
                "file-permissions",
                PROBLEM,
                f"{len(loose)} file(s) in the {what} {folder} can be read or changed by other "
                f"users ({shown})",
                "each holds an access token or temporary credentials: anyone who reads one "
                "can act as you until it expires",
                fix=facts.fixes.last("chmod", "-R", "go-rwx", folder),
                subject=folder,
            )
        )


_OTHER_SOURCES = {
    profiles.KIND_SSO: "IAM Identity Center (SSO)",
    profiles.KIND_SSO_LEGACY: "IAM Identity Center (SSO)",
    profiles.KIND_PROCESS: "credential_process",
}


def check_shadowing(facts: Facts) -> None:
    """A `[NAME]` section in the credentials file holding keys for a profile whose config
    gets credentials elsewhere: one name, two identities, depending on the tool."""
    for name, section in (facts.credentials.sections or {}).items():
        if not isinstance(section, dict) or "aws_access_key_id" not in section:
            continue
        config = facts.config_profiles.get(name)
        if not config:
            continue
        kind = profiles.classify(config)
        role_elsewhere = kind == profiles.KIND_ROLE and (
            "credential_source" in config or "web_identity_token_file" in config
        )
        if kind not in _OTHER_SOURCES and not role_elsewhere:
            continue
        source = _OTHER_SOURCES.get(kind, "an assumed role")
        if kind == profiles.KIND_PROCESS:
            why = (
                "the credentials file's keys beat credential_process everywhere: the process "
                "never runs and every tool signs with these keys"
            )
        else:
            why = (
                f"boto3 and the AWS CLI use {source}, but tools on the AWS SDK for Go v2 "
                "(Terraform, eksctl, ...) sign with these static keys: one profile name, two "
                "identities"
            )
        line = section_line(facts.credentials, (name,))
        facts.file_findings.append(
            Finding(
                "credentials-shadow",
                PROBLEM,
                f"[{name}] in the credentials file holds keys, but the config gives profile "
                f"{name} its credentials from {source}",
                why,
                fix=facts.fixes.edit(facts.credentials.path, line, facts.editor()),
                hint="delete the keys of that section (or the whole section)",
                subject=name,
                details={"file": facts.credentials.path, "line": str(line or "")},
            )
        )


def run(facts: Facts) -> None:
    """Every file check, in the order botocore meets the files; fills `facts`."""
    for loaded in (facts.config, facts.credentials):
        if check_path(facts, loaded):
            check_parse(facts, loaded)
    check_caches(facts)

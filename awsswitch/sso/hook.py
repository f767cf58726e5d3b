"""The switch path's token hook: make a profile's SSO session fresh before exporting.

STUB until the SSO token work lands: a switch just switches.
"""

from __future__ import annotations

from collections.abc import Mapping

from awsswitch.profiles import Profile, ProfileIndex


def ensure_fresh(
    profile: Profile,
    index: ProfileIndex,
    *,
    interactive: bool,
    env: Mapping[str, str],
) -> None:
    """Return once `profile`'s SSO session (if any) has a fresh token.

    Raises AwsswitchError (exit 1) when it cannot, KeyboardInterrupt on Ctrl-C.
    Non-SSO profiles return at once.
    """
    return None

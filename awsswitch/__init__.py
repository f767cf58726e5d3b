"""awsswitch: switch AWS profiles in bash, zsh and fish.

Kept empty on purpose: `init` and the switch path import this package, so nothing
here may import more than the version string.
"""

__version__ = "0.1.0"

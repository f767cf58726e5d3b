"""The AWS environment variables awsswitch reasons about, named once (stdlib only: the switch
path loads it). The switch clears them (switch/core.py), `exec` builds its child's
environment from them, and `doctor` explains them."""

from __future__ import annotations

# Credentials in the environment: botocore's EnvProvider reads these, and they beat every
# profile, AWS_PROFILE included.
KEY_VARIABLES = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_SESSION_EXPIRATION",
)

# Cleared on every switch: they would override AWS_PROFILE (botocore reads
# AWS_DEFAULT_PROFILE first; env keys beat any profile) or make prompts show another
# identity (starship, powerlevel10k, oh-my-posh rank these above AWS_PROFILE).
CONFLICTING = (
    "AWS_DEFAULT_PROFILE",
    *KEY_VARIABLES,
    "AWSUME_PROFILE",
    "AWSUME_EXPIRATION",
    "AWSU_PROFILE",
    "AWS_SSO_PROFILE",
)

# Both, because the AWS CLI v2 reads AWS_REGION and botocore reads AWS_DEFAULT_REGION.
REGION_VARIABLES = ("AWS_REGION", "AWS_DEFAULT_REGION")

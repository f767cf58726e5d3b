"""`awsswitch sync`: generate native sso_session profiles from the IAM Identity Center portal.

- `naming`: name templates, sanitising untrusted portal names, deterministic collisions.
- `portal`: listing accounts and roles with boto3 (bounded concurrency, retries, progress).
- `plan`: what to add / update / remove / skip, computed on plain data.
- `apply`: carrying a plan out through the round-trip editor (or rendering a diff).

Nothing here is on a hot path; boto3 is still imported only inside `portal` functions.
"""

from __future__ import annotations

# The key that marks a section as generated, and records the sso-session it came from.
# botocore and the AWS CLI ignore unknown keys, so generated profiles stay plain profiles.
MARKER = "awsswitch_generated_from"

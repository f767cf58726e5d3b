"""Config texts that tests in several folders start from."""

from __future__ import annotations

HOME_SESSION = "awssso.home"
HOME_POWERUSER = "awsprofile.home.poweruser"

# An sso-session and its PowerUserAccess profile (region eu-west-1), named as the issue names
# them; append further sections after a blank line.
HOME_CONFIG = f"""\
[sso-session {HOME_SESSION}]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = eu-west-1

[profile {HOME_POWERUSER}]
sso_session = {HOME_SESSION}
sso_account_id = 123412341234
sso_role_name = PowerUserAccess
region = eu-west-1
"""

"""SSO token handling. Submodules that need boto3 import it inside functions."""

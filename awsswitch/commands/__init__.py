"""One module per CLI command; `awsswitch.cli` imports each when its command runs."""

"""The user's AWS config: botocore-equal reader, profile model and index, name resolution,
round-trip editor, validation, and the completion names file."""

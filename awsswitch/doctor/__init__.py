"""`awsswitch doctor`: explain which identity and region an AWS call from this shell would
use, and find what makes it differ from the prompt or from what the user meant.

- `facts`: the world, gathered once (environment, shell, files, profile index, intent);
- `resolve`: botocore's and the AWS CLI v2's precedence rules applied to it;
- `checks_files`, `checks_env`, `checks_profile`, `checks_tools`, `kube`: the checks, each
  returning `model.Finding`s with a fix for the user's shell (`fixes`);
- `verify`: STS GetCallerIdentity, only with --verify;
- `engine.diagnose`: all of it; `render`: text and JSON; `schema`: the JSON's schema.

Not on any hot path: imported by `awsswitch doctor` only (PyYAML by `kube` alone)."""

#!/usr/bin/env bash
# Installs everything the test suite needs, then runs the whole suite.
# Usage: bash tests/run.sh [pytest args...]
set -euo pipefail
cd "$(dirname "$0")/.."

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
need=()
for pkg in zsh fish tmux fzf shellcheck; do
  command -v "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
[ -x /usr/bin/aws ] || need+=(awscli)  # AWS CLI v2 (2.9.19 on Debian 12)
if [ "${#need[@]}" -gt 0 ]; then
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi

python3 -m pip install --quiet --disable-pip-version-check -e '.[test]'

python3 -m ruff check awsswitch tests bench
python3 -m ruff format --check awsswitch tests bench
shellcheck -s bash shell/*.bash

status=0
python3 -m pytest "$@" || status=$?
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: failing" >&2
  exit 1
fi
exit "$status"

#!/usr/bin/env bash
# Installs everything the test suite needs, then runs it against both ends of the dependency
# bounds in pyproject.toml, each in a new virtualenv under .venv-ci/ (nothing is reused from
# the machine's site-packages):
#   newest  the newest typer, boto3, botocore and shellingham the bounds allow; ruff, ruff
#           format, shellcheck, then the whole suite (slow tests included)
#   oldest  each runtime dependency at its lower bound exactly, everything else newest (what
#           `--resolution lowest-direct` means); the suite without the slow end-to-end tests
# Usage: bash tests/run.sh [pytest args...]   (arguments replace each run's default selection)
# AWSSWITCH_TEST_DEPS=newest|oldest|both (default both) runs one end only.
set -euo pipefail
cd "$(dirname "$0")/.."

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
need=()
for pkg in zsh fish tmux fzf shellcheck; do
  command -v "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
[ -x /usr/bin/aws ] || need+=(awscli)  # AWS CLI v2 (2.9.19 on Debian 12)
[ -r /usr/share/bash-completion/bash_completion ] || need+=(bash-completion)
python3 -c 'import ensurepip, venv' 2>/dev/null || need+=(python3-venv)
if [ "${#need[@]}" -gt 0 ]; then
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi

venvs=.venv-ci
mkdir -p "$venvs"
printf '*\n' >"$venvs/.gitignore"  # the folder ignores itself: no entry needed elsewhere

# The lower bound of every runtime dependency, pinned exactly (a bound must be a real release).
python3 - "$venvs/oldest-constraints.txt" <<'EOF'
import re, sys, tomllib

with open("pyproject.toml", "rb") as fh:
    deps = tomllib.load(fh)["project"]["dependencies"]
pins = []
for dep in deps:
    m = re.fullmatch(r"([A-Za-z0-9_.-]+)\s*>=\s*([^,;\s]+)\s*,\s*<\s*[^,;\s]+", dep)
    if not m:
        sys.exit(f"tests/run.sh: {dep!r} needs a lower and an upper bound (NAME>=LOW,<HIGH)")
    pins.append(f"{m[1]}=={m[2]}")
with open(sys.argv[1], "w", encoding="utf-8") as fh:
    fh.write("\n".join(pins) + "\n")
EOF

pip_install() {  # VENV [pip args...]: a fresh virtualenv with awsswitch and its test tools
  local venv="$venvs/$1"
  shift
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$@" -e '.[test]'
  "$venv/bin/python" - <<'EOF'
import importlib.metadata as md, sys

names = ("typer", "click", "boto3", "botocore", "shellingham", "urllib3", "PyYAML", "rich",
         "pydantic", "pytest")
found = []
for name in names:
    try:
        found.append(f"{name} {md.version(name)}")
    except md.PackageNotFoundError:
        found.append(f"{name} -")
print(f"  Python {sys.version.split()[0]}: " + ", ".join(found))
EOF
}

run_pytest() {  # VENV [pytest args...]; pytest's "no tests collected" (5) is a failure
  local venv="$venvs/$1" status=0
  shift
  PATH="$PWD/$venv/bin:$PATH" VIRTUAL_ENV="$PWD/$venv" "$venv/bin/python" -m pytest "$@" || status=$?
  if [ "$status" -eq 5 ]; then
    echo "pytest collected no tests: failing" >&2
    status=1
  fi
  return "$status"
}

which_deps="${AWSSWITCH_TEST_DEPS:-both}"
failed=()

if [ "$which_deps" != oldest ]; then
  echo "== newest dependencies the bounds allow (.venv-ci/newest)"
  pip_install newest --upgrade --upgrade-strategy eager
  py="$venvs/newest/bin/python"
  # Lint failures fail the run, after the tests have run too (one report with everything).
  "$py" -m ruff check awsswitch tests bench scripts || failed+=("ruff check")
  "$py" -m ruff format --check awsswitch tests bench scripts || failed+=("ruff format")
  shellcheck -s bash shell/*.bash || failed+=(shellcheck)
  run_pytest newest "$@" || failed+=("pytest newest")
fi

if [ "$which_deps" != newest ]; then
  echo "== oldest dependencies the bounds allow (.venv-ci/oldest): $(tr '\n' ' ' <"$venvs/oldest-constraints.txt")"
  pip_install oldest --constraint "$venvs/oldest-constraints.txt"
  oldest_args=("$@")
  [ "$#" -gt 0 ] || oldest_args=(-m "not slow")
  run_pytest oldest "${oldest_args[@]}" || failed+=("pytest oldest")
fi

if [ "${#failed[@]}" -gt 0 ]; then
  printf 'tests/run.sh: failed: %s\n' "${failed[@]}" >&2
  exit 1
fi

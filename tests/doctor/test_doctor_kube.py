"""kubeconfig users whose exec plugin pins another AWS profile (env AWS_PROFILE or
--profile), from ~/.kube/config or $KUBECONFIG (colon-separated, first file wins)."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

from doctorhelp import DEPLOY, POWERUSER, World


def _kubeconfig(current: str, users: dict[str, str]) -> str:
    """A kubeconfig with one EKS cluster, a context per user, `users` mapping a user name
    to its exec section (YAML, indented for `exec:`)."""
    contexts = "".join(
        f"- name: ctx-{u}\n  context:\n    cluster: eks\n    user: {u}\n" for u in users
    )
    body = "".join(f"- name: {u}\n  user:\n    exec:\n{exec_}" for u, exec_ in users.items())
    return (
        "apiVersion: v1\nkind: Config\n"
        "clusters:\n- name: eks\n  cluster:\n    server: https://example.invalid\n"
        f"contexts:\n{contexts}current-context: {current}\nusers:\n{body}"
    )


ENV_PIN = """      apiVersion: client.authentication.k8s.io/v1beta1
      command: aws
      args: [eks, get-token, --cluster-name, prod]
      env:
      - name: AWS_PROFILE
        value: {profile}
"""
ARG_PIN = """      apiVersion: client.authentication.k8s.io/v1beta1
      command: aws
      args: [--region, eu-west-1, eks, get-token, --cluster-name, prod, --profile={profile}]
"""
NO_PIN = """      apiVersion: client.authentication.k8s.io/v1beta1
      command: aws
      args: [eks, get-token, --cluster-name, dev]
"""


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_current_context_pins_another_profile(world: World) -> None:
    kube = _write(world.home / ".kube" / "config", _kubeconfig(
        "ctx-prod", {"prod": ENV_PIN.format(profile=DEPLOY), "dev": NO_PIN}))  # fmt: skip
    result = world.json()
    finding = result.finding("kube-profile")
    assert finding["severity"] == "problem"
    assert f"pins AWS profile {DEPLOY}" in finding["title"]
    assert "exec env AWS_PROFILE" in finding["title"]
    assert finding["details"] == {"file": str(kube), "profile": DEPLOY, "context": "ctx-prod"}
    # ctx-dev's user follows the shell's AWS_PROFILE: switching kubectl to it fixes this.
    assert finding["fix"] == "kubectl config use-context ctx-dev"


def test_profile_argument_pin_and_no_better_context(world: World) -> None:
    _write(world.home / ".kube" / "config",
           _kubeconfig("ctx-prod", {"prod": ARG_PIN.format(profile=DEPLOY)}))  # fmt: skip
    finding = world.json().finding("kube-profile")
    assert "exec arg --profile" in finding["title"]
    assert finding["fix"] == f"asw {DEPLOY}"
    assert "edit the user's exec section" in finding["hint"]


def test_pin_matching_the_shell_is_fine(world: World) -> None:
    _write(world.home / ".kube" / "config",
           _kubeconfig("ctx-prod", {"prod": ENV_PIN.format(profile=POWERUSER)}))  # fmt: skip
    assert world.json().code == 0


def test_kubeconfig_variable_with_several_files(world: World, tmp_path: Path) -> None:
    first = _write(tmp_path / "a.yaml", _kubeconfig("ctx-dev", {"dev": NO_PIN}))
    users = {"ops": ENV_PIN.format(profile=DEPLOY), "dev": ARG_PIN.format(profile="x")}
    second = _write(tmp_path / "b.yaml", _kubeconfig("ctx-ops", users))
    world.set(
        KUBECONFIG=os.pathsep.join([str(tmp_path / "missing.yaml"), str(first), "", str(second)])
    )
    result = world.json()
    # current-context comes from the first file that sets it (ctx-dev, no pin); the second
    # file's `dev` user is shadowed by the first file's: only `ops` pins another profile.
    assert result.code == 0, result.ids()
    other = result.finding("kube-profile-other")
    assert other["severity"] == "info"
    assert f"ops ({DEPLOY})" in other["title"] and "dev" not in other["title"]
    # The second file's context becomes current when it is first.
    world.set(KUBECONFIG=os.pathsep.join([str(second), str(first)]))
    assert world.json().finding("kube-profile")["subject"] == "ops"


def test_broken_kubeconfig_is_a_note(world: World) -> None:
    _write(world.home / ".kube" / "config", "users: [\n  - {name: x\n")
    result = world.json()
    finding = result.finding("kubeconfig-unreadable")
    assert "is not valid YAML" in finding["title"]
    assert result.code == 0
    # Hostile YAML: an alias bomb and a self-referencing list neither hang nor crash.
    levels = "abcdefghi"
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in itertools.pairwise(levels)
    )
    _write(world.home / ".kube" / "config", bomb + "users: &u [*u]\n")
    assert world.json().code == 0

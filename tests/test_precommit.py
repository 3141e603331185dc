"""The pre-commit hooks: run ``pre-commit`` on a temporary repository, offline.

pre-commit installs ``language: python`` hooks from the package index, which a test cannot reach;
so the hooks of .pre-commit-hooks.yaml are copied as they are (id, entry, files) into a
``repo: local`` config with ``language: system``, and ``mtnorm`` on PATH runs this checkout.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
MANIFEST = REPO / ".pre-commit-hooks.yaml"
FIXTURE = REPO / "tests" / "fixtures" / "lsp"

pytestmark = pytest.mark.skipif(
    shutil.which("pre-commit") is None or shutil.which("git") is None,
    reason="pre-commit and git are needed",
)

DIRTY = "She was poisoned with «Newbie»..\n"
CLEAN = "The newbie on the team scored twice.\n"


def hooks() -> list[dict[str, Any]]:
    return yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))


def test_manifest_is_valid_and_has_both_hooks() -> None:
    done = subprocess.run(
        ["pre-commit", "validate-manifest", str(MANIFEST)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    by_id = {h["id"]: h for h in hooks()}
    assert by_id["mtnorm-fix"]["entry"] == "mtnorm fix --in-place"
    assert by_id["mtnorm-check"]["entry"] == "mtnorm check"


def _local_config() -> str:
    keep = ("id", "name", "entry", "files", "exclude", "types", "types_or", "pass_filenames")
    # check before fix, so the first run shows the check failing on the unfixed text
    order = sorted(hooks(), key=lambda h: h["id"] != "mtnorm-check")
    local = [{**{k: h[k] for k in keep if k in h}, "language": "system"} for h in order]
    return yaml.safe_dump({"repos": [{"repo": "local", "hooks": local}]}, allow_unicode=True)


def _repo(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURE, repo)  # config.yaml and a small glossary: results do not drift
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "mtnorm"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m normalizer "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        "PRE_COMMIT_HOME": str(tmp_path / "cache"),
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    (repo / ".pre-commit-config.yaml").write_text(_local_config(), encoding="utf-8")
    (repo / "article.txt").write_text(DIRTY, encoding="utf-8")
    (repo / "clean.md").write_text(CLEAN, encoding="utf-8")
    (repo / "notes.yaml").write_text(f"note: {DIRTY}", encoding="utf-8")  # not a text type
    subprocess.run(["git", "init", "-q"], cwd=repo, env=env, check=True)
    subprocess.run(["git", "add", "."], cwd=repo, env=env, check=True)
    return repo, env


def _run(repo: Path, env: dict[str, str]) -> tuple[int, dict[str, str]]:
    done = subprocess.run(
        ["pre-commit", "run", "--all-files", "--color", "never"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    status = {}
    for line in done.stdout.splitlines():
        for name in ("mtnorm check", "mtnorm fix"):
            if line.startswith(name + "."):
                status[name] = line.rsplit(".", 1)[-1].strip()
    return done.returncode, status


def test_hooks_fail_on_artifacts_fix_them_then_pass(tmp_path: Path) -> None:
    repo, env = _repo(tmp_path)
    code, status = _run(repo, env)
    assert code == 1
    assert status == {"mtnorm check": "Failed", "mtnorm fix": "Failed"}
    assert (repo / "article.txt").read_text(encoding="utf-8") == "She was poisoned with Novichok.\n"
    assert (repo / "clean.md").read_text(encoding="utf-8") == CLEAN
    assert (repo / "notes.yaml").read_text(encoding="utf-8") == f"note: {DIRTY}"
    code, status = _run(repo, env)
    assert (code, status) == (0, {"mtnorm check": "Passed", "mtnorm fix": "Passed"})

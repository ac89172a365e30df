"""Many learners, one box: two simulated users (own HOME / XDG dirs, NUMBA_LAB_HOME unset) run the
lab at the same time against one read-only lesson folder. Nothing is written into that folder, and
each user's files (work files, Numba cache, progress) land only in that user's own directories."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from .support import BUILTIN, files_under, lab_argv, run_lab, tree, user_env

KERNEL = '''\
import numpy as np
from numba import njit


@njit(cache=True)
def total(a):
    s = 0.0
    for x in a:
        s += x
    return s
'''

RECORD = ("from lab.progress import Progress, Drafts\n"
          "Drafts().save('first-jit', 'lazy', '# my draft\\n')\n"
          "Progress.load().record_attempt('first-jit', 'lazy', True)\n")


@pytest.fixture
def ro_pack(tmp_path):
    pack = tmp_path / "pack"
    shutil.copytree(BUILTIN, pack)
    (pack / "kernel.py").write_text(KERNEL)
    assert run_lab("new-lesson", "Class extra", "--dir", str(pack)).returncode == 0
    subprocess.run(["chmod", "-R", "a-w", str(pack)], check=True)
    yield pack
    subprocess.run(["chmod", "-R", "u+w", str(pack)], check=True)


def test_two_users_at_once_read_only_lessons(tmp_path, ro_pack):
    before = tree(ro_pack)
    envs = {
        "alice": user_env(tmp_path, "alice", xdg=False),  # platformdirs defaults under HOME
        "bob": user_env(tmp_path, "bob", xdg=True),  # XDG_DATA_HOME / XDG_CACHE_HOME
    }
    run = ["run", str(ro_pack / "kernel.py"), "--entry", "total", "--setup", "a = np.arange(100.0)",
           "--call", "total(a)", "--views", "llvm", "--cuda", "off", "--json"]
    procs = {name: subprocess.Popen(lab_argv(*run), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True, cwd=str(ro_pack))  # cwd read-only too
             for name, env in envs.items()}
    # at the same time, each user proves the pack's extra lesson with `numba-lab check` (a file in it)
    checks = {name: subprocess.Popen(lab_argv("check", str(ro_pack / "class-extra.yaml"), "--cuda", "off"), env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=str(ro_pack))
              for name, env in envs.items()}
    results = {name: p.communicate(timeout=240) for name, p in procs.items()}
    for name, p in checks.items():
        out, err = p.communicate(timeout=240)
        assert p.returncode == 0 and "0 failed" in out, f"{name}: {out}\n{err}"
    pids = set()
    for name, (out, err) in results.items():
        assert procs[name].returncode == 0, f"{name}: {out}\n{err}"
        events = [json.loads(line) for line in out.splitlines()]
        assert [e["result"] for e in events if e["type"] == "output" and e["call"]] == ["4950.0"]
        assert events[-1]["type"] == "done" and events[-1]["ok"]
        pids.add(next(e["pid"] for e in events if e["type"] == "started"))
    assert len(pids) == 2  # two workers, one per learner

    # progress and drafts, per user; then each user's `progress` sees only their own
    rec = subprocess.run([sys.executable, "-c", RECORD], env=envs["alice"],
                         capture_output=True, text=True, timeout=60)
    assert rec.returncode == 0, rec.stderr
    docs = {}
    for name, env in envs.items():
        res = run_lab("--no-builtin", "--lessons", str(ro_pack), "progress", "--json", env=env, cwd=ro_pack)
        assert res.returncode == 0, res.stderr
        docs[name] = json.loads(res.stdout)
    assert docs["alice"]["totals"]["attempts"] == 1 and docs["bob"]["totals"]["attempts"] == 0
    assert {r["id"] for r in docs["bob"]["lessons"]} >= {"first-jit", "class-extra"}

    # nothing was written into the read-only lesson folder
    assert tree(ro_pack) == before
    # each user's state is under that user's own directories, and only there
    assert sorted(p.name for p in tmp_path.iterdir()) == ["alice", "bob", "pack"]
    alice_home = tmp_path / "alice" / "home"
    alice_cache = alice_home / ".cache" / "numba-lab"
    alice_data = alice_home / ".local" / "share" / "numba-lab"
    bob_cache = tmp_path / "bob" / "xdg-cache" / "numba-lab"
    bob_data = tmp_path / "bob" / "xdg-data" / "numba-lab"
    for cache in (alice_cache, bob_cache):
        assert (cache / "work" / "run" / "kernel.py").read_text() == KERNEL  # the learner file is theirs
        index = [p for p in files_under(cache / "numba") if p.suffix == ".nbi"]
        assert index, f"no Numba cache index under {cache}"  # cache=True wrote to NUMBA_CACHE_DIR
    assert (alice_data / "drafts" / "first-jit" / "lazy.py").read_text() == "# my draft\n"
    assert json.loads((alice_data / "progress.json").read_text())["lessons"]["first-jit"]
    assert not (bob_data / "drafts" / "first-jit").exists() and not (bob_data / "progress.json").exists()
    for p in files_under(tmp_path / "bob"):
        assert "alice" not in str(p)
    for p in files_under(tmp_path / "alice"):
        assert "bob" not in str(p)
    for d in (alice_data, bob_data, alice_cache / "work", bob_cache / "work", bob_cache / "numba"):
        assert (d.stat().st_mode & 0o077) == 0, f"{d} is readable by others"

"""`numba-lab doctor` on this machine (real probes, real worker): exit codes, verdict lines, JSON."""

from __future__ import annotations

import json
import re

import pytest

from lab import doctor
from lab.engine.runner import cuda_mode

from .support import run_lab, user_env

VERDICT_LINE = re.compile(r"^  (ok|warn|FAIL)\s+\S")


def _doctor(tmp_path, *args, **env_extra):
    env = user_env(tmp_path, "learner", **env_extra)
    return run_lab(*args, env=env)


def _by_section(doc):
    out = {}
    for f in doc["findings"]:
        out.setdefault(f["section"], []).append(f)
    return out


def test_doctor_text_report_on_this_machine(tmp_path):
    res = _doctor(tmp_path, "doctor")
    assert res.returncode == 0, res.stdout + res.stderr
    lines = res.stdout.splitlines()
    assert lines[0] == "numba-lab doctor"
    verdicts = [ln for ln in lines if VERDICT_LINE.match(ln)]
    assert len(verdicts) >= 10
    for section in ("[python]", "[cpu]", "[engine]", "[threading]", "[cuda]", "[terminal]", "[state]", "[lessons]"):
        assert section in lines
    assert re.search(r"Numba \d+\.\d+", res.stdout) and "llvmlite" in res.stdout and "NumPy" in res.stdout
    assert "SIMD" in res.stdout and "threading layer" in res.stdout
    assert lines[-1].startswith("verdict: ") and "FAIL" not in lines[-1].split("(")[0]
    # the state directories are the simulated user's own (platformdirs under its XDG dirs)
    assert str(tmp_path / "learner" / "xdg-data" / "numba-lab") in res.stdout
    assert str(tmp_path / "learner" / "xdg-cache" / "numba-lab") in res.stdout


def test_doctor_json_without_a_gpu_uses_the_simulator(tmp_path):
    res = _doctor(tmp_path, "doctor", "--json")
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["verdict"] in ("ok", "warn")
    sections = _by_section(doc)
    engine = sections["engine"][0]
    assert engine["verdict"] == "ok" and engine["data"]["total_ms"] > 0
    threading = sections["threading"][0]
    assert threading["data"]["loaded"] in ("tbb", "omp", "workqueue") and threading["data"]["result"] == 1000.0
    cuda = sections["cuda"]
    real = [f for f in cuda if f["data"].get("available")]
    if real:  # a machine with a GPU: device, compute capability, driver
        assert real[0]["data"]["cc"] and real[0]["data"]["driver"]
    else:  # this machine: why not, and the simulator ran a kernel
        assert any("no usable CUDA GPU" in f["text"] for f in cuda)
        sim = [f for f in cuda if f["data"].get("simulator")]
        assert sim and sim[0]["verdict"] == "ok" and sim[0]["data"]["kernel_ok"]
        assert "simulator" in sim[0]["text"]


def test_doctor_cuda_sim_and_off(tmp_path):
    doc = json.loads(_doctor(tmp_path, "doctor", "--json", "--cuda", "sim").stdout)
    cuda = _by_section(doc)["cuda"]
    assert any("forced by --cuda sim" in f["text"] and f["verdict"] == "ok" for f in cuda)
    assert not any("no usable CUDA GPU" in f["text"] for f in cuda)  # no driver probe when forced
    res = _doctor(tmp_path, "--cuda", "off", "doctor", "--json")  # the global flag works too
    cuda = _by_section(json.loads(res.stdout))["cuda"]
    assert [f["text"] for f in cuda] == ["CUDA switched off (--cuda off): CUDA steps will say so"]


def test_doctor_fails_when_the_state_dir_cannot_be_made(tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the state folder should be")
    res = _doctor(tmp_path, "doctor", "--cuda", "off", NUMBA_LAB_HOME=str(blocker))
    assert res.returncode == 1
    assert any(ln.startswith("  FAIL") for ln in res.stdout.splitlines())
    assert "verdict: FAIL" in res.stdout


def test_doctor_fails_for_a_missing_lesson_folder(tmp_path):
    res = _doctor(tmp_path, "--lessons", str(tmp_path / "nope"), "doctor", "--cuda", "off")
    assert res.returncode == 1
    assert f"  FAIL  {tmp_path / 'nope'}: no such folder" in res.stdout


def test_terminal_advice_over_ssh(monkeypatch):
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("COLORTERM", raising=False)
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.1 5000 10.0.0.2 22")
    monkeypatch.delenv("TMUX", raising=False)
    colour = [f for f in doctor.check_terminal() if "colour" in f.text][0]
    assert colour.verdict == "ok" and "256 colours" in colour.text and "over SSH" in colour.text
    assert "export COLORTERM=truecolor" in colour.hint and "SendEnv COLORTERM" in colour.hint
    monkeypatch.setenv("COLORTERM", "truecolor")
    colour = [f for f in doctor.check_terminal() if "colour" in f.text][0]
    assert "true colour" in colour.text and colour.hint is None
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.delenv("COLORTERM")
    assert [f for f in doctor.check_terminal() if "TERM=dumb" in f.text][0].verdict == "warn"


@pytest.mark.gpu
@pytest.mark.skipif(cuda_mode("auto") != "real", reason="no NVIDIA GPU/driver on this machine")
def test_doctor_on_a_real_gpu(tmp_path):
    doc = json.loads(_doctor(tmp_path, "doctor", "--json").stdout)
    cuda = _by_section(doc)["cuda"]
    real = [f for f in cuda if f["data"].get("available")]
    assert real, cuda
    data = real[0]["data"]
    assert data["device"] and re.fullmatch(r"\d+\.\d+", data["cc"]) and data["driver"] and data["kernel_ok"]
    assert real[0]["verdict"] == "ok" and "compute capability" in real[0]["text"]
    assert any("will run on the real GPU" in f["text"] for f in cuda)


def test_doctor_lists_presenters_and_the_follow_target(tmp_path, monkeypatch):
    from types import SimpleNamespace

    from lab import follow

    monkeypatch.setattr(follow.tempfile, "gettempdir", lambda: str(tmp_path))
    assert [f.text for f in doctor.check_follow(SimpleNamespace(follow=None))] == [
        "nobody is presenting on this machine (numba-lab --present publishes)"]
    follow.Presenter(follow.default_present_path("teacher")).update("types", "Types", 2, 3, "Eager")
    found = doctor.check_follow(SimpleNamespace(follow="teacher"))
    assert "lesson 2, step 3" in found[0].text and found[0].verdict == "ok"
    assert found[1].text.startswith("--follow: ") and found[1].verdict == "ok"
    assert doctor.check_follow(SimpleNamespace(follow="someone-else"))[-1].verdict == "warn"

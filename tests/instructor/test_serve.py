"""`numba-lab serve`: textual-serve on localhost answers HTTP, a browser connection (websocket) gets
a real lab; binding a non-loopback address is refused without --allow-remote."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time
import urllib.request
from types import SimpleNamespace

import psutil

from lab import serve

from .support import free_port, lab_argv, run_lab, user_env


def _start(tmp_path, *args):
    port = free_port()
    proc = subprocess.Popen(lab_argv("serve", "--port", str(port), *args), env=user_env(tmp_path, "teacher"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return proc, port


def _get(url: str, timeout: float = 60.0) -> tuple[int, str]:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                return resp.status, resp.read().decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _stop(proc) -> tuple[str, str]:
    kids = []
    try:
        kids = psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        pass
    proc.send_signal(signal.SIGTERM)
    try:
        out, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    _, alive = psutil.wait_procs(kids, timeout=10)
    for p in alive:  # our own children only
        p.kill()
    return out, err


async def _lab_screen_over_websocket(port: int, timeout: float = 90.0) -> bytes:
    import aiohttp

    buf = b""
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(f"http://127.0.0.1:{port}/ws?width=100&height=30") as ws:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and b"Quit" not in buf:
                try:
                    msg = await asyncio.wait_for(ws.receive(), 2)
                except asyncio.TimeoutError:
                    continue
                if msg.type == aiohttp.WSMsgType.BINARY:
                    buf += msg.data
                elif msg.type == aiohttp.WSMsgType.TEXT:
                    buf += msg.data.encode()
                else:
                    break
    return buf


async def test_serve_on_localhost_answers_http_and_runs_the_lab(tmp_path):
    proc, port = _start(tmp_path)
    try:
        status, body = await asyncio.to_thread(_get, f"http://127.0.0.1:{port}/")
        assert status == 200
        assert f"ws://localhost:{port}/ws" in body  # the page's websocket goes back through the same URL
        screen = await _lab_screen_over_websocket(port)
        assert b"Quit" in screen and b"lesson" in screen.lower()  # the lab's first frame, from a real process
    finally:
        out, err = _stop(proc)
    assert f"http://localhost:{port}" in out
    assert "WARNING" not in err


def test_serve_refuses_a_public_address_without_the_flag(tmp_path):
    res = run_lab("serve", "--host", "0.0.0.0", "--port", str(free_port()), env=user_env(tmp_path, "teacher"),
                  timeout=60)
    assert res.returncode == 2
    assert "refusing to bind '0.0.0.0'" in res.stderr and "--allow-remote" in res.stderr


def test_serve_with_allow_remote_warns(tmp_path):
    proc, port = _start(tmp_path, "--host", "0.0.0.0", "--allow-remote")
    try:
        status, _ = _get(f"http://127.0.0.1:{port}/")
        assert status == 200
    finally:
        _, err = _stop(proc)
    assert "NO authentication" in err and "ssh -L" in err


def test_is_loopback_and_command():
    assert serve.is_loopback("127.0.0.1") and serve.is_loopback("localhost") and serve.is_loopback("::1")
    assert not serve.is_loopback("0.0.0.0") and not serve.is_loopback("10.1.2.3")
    args = SimpleNamespace(lessons=["rel/pack"], no_builtin=True, theme="light", cuda="sim", follow="")
    argv = serve.lab_argv(args)
    assert argv[1:3] == ["-m", "lab"]
    assert "--no-builtin" in argv and argv[argv.index("--lessons") + 1].endswith("/rel/pack")
    assert argv[argv.index("--theme") + 1] == "light" and argv[argv.index("--cuda") + 1] == "sim"
    assert argv[-1] == "--follow"

"""numba-lab under a real Jupyter server through the real jupyter-server-proxy (the [hub] extra).

The Jupyter server runs with token auth and a JupyterHub-like base URL (/user/learner/), finds our
`jupyter_serverproxy_servers` entry point, and starts `numba-lab serve --proxied` on a Unix socket
when the proxied path is first asked for. Without Jupyter's token the proxied page and websocket are
refused; with it the page loads with URLs under the prefix and its websocket, through the proxy,
reaches a lab that draws the lesson list. The lab itself has no TCP port, its socket is private, and
it still refuses a request that did not come through the proxy (no token header).
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import psutil
import pytest

from .support import free_port, user_env
from .test_serve import _get, _screen_text, _session, _stop, _ws_refused

pytest.importorskip("jupyter_server_proxy", reason="the [hub] extra is not installed: pip install -e '.[test,hub]'")
pytest.importorskip("jupyter_server", reason="the [hub] extra is not installed: pip install -e '.[test,hub]'")

JUPYTER_TOKEN = "jupyter-token-" + "j" * 24
PREFIX = "/user/learner/"


def _start_jupyter(tmp_path: Path):
    port = free_port()
    env = user_env(tmp_path, "learner")
    for key, sub in (("JUPYTER_CONFIG_DIR", "jconfig"), ("JUPYTER_DATA_DIR", "jdata"),
                     ("JUPYTER_RUNTIME_DIR", "jruntime")):
        env[key] = str(tmp_path / "learner" / sub)
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    root = tmp_path / "learner" / "work"
    root.mkdir()
    argv = [sys.executable, "-m", "jupyter_server", "--no-browser", "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={JUPYTER_TOKEN}",
            f"--ServerApp.base_url={PREFIX}", f"--ServerApp.root_dir={root}"]
    if os.geteuid() == 0:  # CI containers run as root; Jupyter refuses that without this
        argv.append("--allow-root")
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return proc, f"http://127.0.0.1:{port}"


_LOG: dict[int, str] = {}


def log_so_far(proc) -> str:
    """The Jupyter server's output up to now (non-blocking)."""
    os.set_blocking(proc.stdout.fileno(), False)
    _LOG[proc.pid] = _LOG.get(proc.pid, "") + (proc.stdout.read() or "")
    return _LOG[proc.pid]


def _proxied_lab(jupyter_pid: int) -> psutil.Process:
    for p in psutil.Process(jupyter_pid).children():
        cmd = p.cmdline()
        if "serve" in cmd and "--proxied" in cmd:
            return p
    raise AssertionError("no `numba-lab serve --proxied` under the Jupyter server")


async def test_lab_behind_jupyter_server_proxy(tmp_path):
    proc, base = _start_jupyter(tmp_path)
    lab_url = f"{base}{PREFIX}numba-lab/"
    try:
        async with _session() as session:  # the Jupyter server is up (its own API, with its token)
            deadline = time.monotonic() + 120
            while True:
                assert proc.poll() is None, proc.stdout.read()
                try:
                    status, _, _ = await _get(session, f"{base}{PREFIX}api/status?token={JUPYTER_TOKEN}", timeout=1)
                    break
                except aiohttp.ClientConnectionError:
                    assert time.monotonic() < deadline, "the Jupyter server did not answer in 120 s"
            assert status == 200
        async with _session() as anonymous:
            status, _, headers = await _get(anonymous, lab_url)
            assert status in (302, 403), status  # Jupyter's login, before anything reaches the lab
            if status == 302:
                assert "/login" in headers["Location"]
            assert await _ws_refused(anonymous, f"{base}{PREFIX}numba-lab/ws", origin=base) in (302, 403)
            assert await _ws_refused(anonymous, f"{base}{PREFIX}numba-lab/ws?token=wrong-{JUPYTER_TOKEN}",
                                     origin=base) in (302, 403)
        async with _session() as session:
            status, page, headers = await _get(session, f"{lab_url}?token={JUPYTER_TOKEN}", timeout=180)
            assert status == 200, page
            assert f'data-session-websocket-url="{PREFIX}numba-lab/ws"' in page  # made absolute by the page's script
            assert f'src="{PREFIX}numba-lab/static/js/textual.js"' in page
            assert "numba-lab-" not in headers.get("Set-Cookie", "")  # the lab's token never goes to the browser
            status, js, _ = await _get(session, f"{base}{PREFIX}numba-lab/static/js/textual.js")
            assert status == 200 and "sessionWebsocketUrl" in js  # Jupyter's login cookie alone now
            ws_url = f"ws://127.0.0.1:{base.rsplit(':', 1)[1]}{PREFIX}numba-lab/ws?width=110&height=32"
            async with session.ws_connect(ws_url, origin=base) as ws:
                screen = await _screen_text(ws, b"Your first @jit")
            assert b"Your first @jit" in screen and b"Types and signatures" in screen
            # a page of another site may not drive the lab through the learner's logged-in browser
            assert await _ws_refused(session, ws_url, origin="http://evil.example") in (403, 404)

        lab = _proxied_lab(proc.pid)
        cmd = lab.cmdline()
        sock = Path(cmd[cmd.index("--socket") + 1])
        token = lab.environ()["NUMBA_LAB_SERVE_TOKEN"]  # handed over in the environment, not on the command line
        assert len(token) >= 40 and not any(token in a for a in cmd) and token not in log_so_far(proc)
        assert stat.S_IMODE(sock.lstat().st_mode) == 0o600 and stat.S_IMODE(sock.parent.stat().st_mode) == 0o700
        assert not [c for c in lab.net_connections("inet") if c.status == psutil.CONN_LISTEN]  # no TCP port
        async with _session(sock) as direct:  # the socket owner, but not through the proxy: no token header
            status, body, _ = await _get(direct, "http://localhost/")
            assert status == 403 and "needs its token" in body
            assert await _ws_refused(direct, "http://localhost/ws") == 403
            assert (await _get(direct, "http://localhost/?token=" + token))[0] == 403  # header only, no cookie way
            status, _, headers = await _get(direct, "http://localhost/", headers={"Authorization": f"token {token}"})
            assert status == 200 and "Set-Cookie" not in headers  # what the proxy adds
            # TLS ends at the hub: the Origin is matched on host and port, never another site's
            auth = {"Authorization": f"token {token}", "Host": "hub.example.org"}
            for origin, allowed in (("https://hub.example.org", True), ("http://hub.example.org", True),
                                    ("https://evil.example", False), ("https://hub.example.org:8443", False),
                                    ("https://hub.example.org.evil.example", False), ("null", False)):
                status, body, _ = await _get(direct, "http://localhost/", headers={**auth, "Origin": origin})
                assert (status == 200) is allowed and (allowed or "only the lab's own page" in body), origin
    finally:
        kids = []
        try:
            kids = psutil.Process(proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            pass
        log, _ = _stop(proc)
        log = _LOG.get(proc.pid, "") + (log or "")
        _, alive = psutil.wait_procs(kids, timeout=10)
        for p in alive:
            p.kill()
    assert "the proxy adds the token" in log  # the lab's banner, in Jupyter's log, without the token


def test_proxied_serve_refuses_tcp_or_no_token(tmp_path):
    """--proxied is never tokenless and never on TCP."""
    env = user_env(tmp_path, "learner")
    argv = [sys.executable, "-m", "lab", "serve", "--proxied"]
    res = subprocess.run(argv + ["--base-path", "/x/"], env=env, capture_output=True, text=True, timeout=120)
    assert res.returncode == 2 and "only on a Unix socket" in res.stderr
    folder = tmp_path / "private"
    folder.mkdir(mode=0o700)
    res = subprocess.run(argv + ["--socket", str(folder / "s"), "--base-path", "/x/"], env=env,
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 2 and "NUMBA_LAB_SERVE_TOKEN" in res.stderr  # a token nobody knows is no mode
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o755)
    env["NUMBA_LAB_SERVE_TOKEN"] = "t" * 32
    res = subprocess.run(argv + ["--socket", str(shared / "s"), "--base-path", "/x/"], env=env,
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 2 and "mode 700" in res.stderr
    assert not (shared / "s").exists()

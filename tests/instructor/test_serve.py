"""`numba-lab serve`: real servers, real `numba-lab` processes behind real websockets.

Only the learner gets in: without this start's token the page and the websocket answer 403; a
websocket from a foreign Origin is refused even with the token; the browser flow (token URL ->
HttpOnly cookie -> clean URL -> websocket carrying the cookie) reaches a running lab that draws the
lesson list; `--socket` listens on a Unix socket of mode 600 in a folder of mode 700 that another
local account cannot open.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import stat
import subprocess
import time
from pathlib import Path
from types import SimpleNamespace

import aiohttp
import psutil
import pytest

from lab import serve

from .support import free_port, lab_argv, run_lab, user_env

TOKEN = "test-token-" + "x" * 24
ANSI = re.compile(rb"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")


def _start(tmp_path, *args, token: str | None = TOKEN):
    port = free_port()
    env = user_env(tmp_path, "teacher")
    if token:
        env["NUMBA_LAB_SERVE_TOKEN"] = token
    proc = subprocess.Popen(lab_argv("serve", "--port", str(port), *args), env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return proc, port


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


def _session(sock_path: Path | None = None) -> aiohttp.ClientSession:
    connector = aiohttp.UnixConnector(path=str(sock_path)) if sock_path else None
    # unsafe=True: keep cookies for an IP-address host (127.0.0.1), as a browser does
    return aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.CookieJar(unsafe=True))


async def _get(session: aiohttp.ClientSession, url: str, timeout: float = 60.0, **kw) -> tuple[int, str, dict]:
    """GET without following redirects, retrying while the server starts."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            async with session.get(url, allow_redirects=False, **kw) as resp:
                return resp.status, await resp.text(), dict(resp.headers)
        except aiohttp.ClientConnectionError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.2)


async def _ws_refused(session: aiohttp.ClientSession, url: str, **kw) -> int:
    with pytest.raises(aiohttp.WSServerHandshakeError) as info:
        async with session.ws_connect(url, **kw):
            pass
    return info.value.status


async def _screen_text(ws, wanted: bytes, timeout: float = 120.0) -> bytes:
    """The lab's terminal output (textual-serve sends it as binary frames), escapes stripped, until `wanted`."""
    # what the browser sends first (textual.js: sendSize on open)
    await ws.send_json(["resize", {"width": 110, "height": 32}])
    raw = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            msg = await asyncio.wait_for(ws.receive(), 2)
        except asyncio.TimeoutError:
            continue
        if msg.type == aiohttp.WSMsgType.BINARY:
            raw += msg.data
        elif msg.type != aiohttp.WSMsgType.TEXT:
            break
        if wanted in ANSI.sub(b"", raw):
            break
    return ANSI.sub(b"", raw)


async def test_browser_flow_token_cookie_then_websocket_draws_the_lesson_list(tmp_path):
    proc, port = _start(tmp_path)
    base = f"http://127.0.0.1:{port}"
    try:
        async with _session() as session:
            status, body, headers = await _get(session, f"{base}/?token={TOKEN}&fontsize=18")
            assert status == 200
            cookie = headers["Set-Cookie"]
            assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
            assert headers["Referrer-Policy"] == "no-referrer"
            # the hand-off page moves to the same URL without the token (same-origin, so Strict cookies go along)
            assert 'window.location.replace("/?fontsize=18")' in body and TOKEN not in body
            status, page, _ = await _get(session, f"{base}/?fontsize=18")  # the cookie alone
            assert status == 200 and TOKEN not in page
            ws_url = re.search(r'data-session-websocket-url="([^"]+)"', page).group(1)
            assert ws_url == f"ws://127.0.0.1:{port}/ws"  # back to the host the browser used: the cookie's host
            async with session.ws_connect(ws_url + "?width=110&height=32", origin=base) as ws:
                screen = await _screen_text(ws, b"Your first @jit")
                labs = psutil.Process(proc.pid).children()
                assert labs and all("NUMBA_LAB_SERVE_TOKEN" not in p.environ() for p in labs)  # not handed down
        assert b"Your first @jit" in screen and b"Types and signatures" in screen  # the lesson list, drawn by the lab
    finally:
        out, err = _stop(proc)
    assert f"http://localhost:{port}/?token={TOKEN}" in out and f"ssh -L {port}:127.0.0.1:{port}" in out
    assert "WARNING" not in err
    assert out.count(TOKEN) == 1 and TOKEN not in err  # the banner only: the access log carries paths
    assert '"GET /ws" 101' in out


async def test_no_token_wrong_token_or_foreign_origin_is_refused(tmp_path):
    proc, port = _start(tmp_path, token=None)  # a new random token, printed on stdout
    base = f"http://127.0.0.1:{port}"
    try:
        async with _session() as session:
            status, body, _ = await _get(session, f"{base}/")
            assert status == 403 and "needs its token" in body and "?token=" in body
            assert (await _get(session, f"{base}/?token=wrong-{TOKEN}"))[0] == 403
            assert (await _get(session, f"{base}/static/js/textual.js"))[0] == 403
            assert (await _get(session, f"{base}/download/x"))[0] == 403
            # a guessed cookie, or the token of another start, is not this start's token
            assert (await _get(session, f"{base}/", headers={"Cookie": f"numba-lab-0={TOKEN}"}))[0] == 403
            assert await _ws_refused(session, f"{base}/ws") == 403
            assert await _ws_refused(session, f"{base}/ws", origin=base) == 403  # right origin, no token
            assert not session.cookie_jar.filter_cookies(base)  # nothing was handed out
        out = ""
        while "token=" not in out:  # the real token, from the first lines of stdout
            out += proc.stdout.readline()
        token = re.search(r"token=([A-Za-z0-9_-]+)", out).group(1)
        assert len(token) >= 40
        async with _session() as session:
            status, _, _ = await _get(session, f"{base}/?token={token}")
            assert status == 200  # the cookie is in the jar now
            for origin in ("http://evil.example", f"http://127.0.0.1:{port + 1}", f"https://127.0.0.1:{port}",
                           "null", f"http://localhost.evil.example:{port}"):
                assert await _ws_refused(session, f"{base}/ws", origin=origin) == 403, origin
                assert await _ws_refused(session, f"{base}/ws?token={token}", origin=origin) == 403, origin
                status, body, _ = await _get(session, f"{base}/?token={token}", headers={"Origin": origin})
                assert status == 403 and "only the lab's own page" in body, origin
    finally:
        _stop(proc)


def test_token_given_too_short_is_refused(tmp_path):
    res = run_lab("serve", "--port", str(free_port()), "--token", "short", env=user_env(tmp_path, "teacher"),
                  timeout=60)
    assert res.returncode == 2 and "at least 16 characters" in res.stderr


async def test_unix_socket_is_private_and_needs_the_token(tmp_path):
    proc, port = _start(tmp_path, "--socket")
    sock = tmp_path / "teacher" / "xdg-cache" / "numba-lab" / "serve.sock"
    try:
        async with _session(sock) as session:
            status, _, _ = await _get(session, "http://localhost:8000/")  # through an ssh -L tunnel, say
            assert status == 403
            assert await _ws_refused(session, "http://localhost:8000/ws") == 403
            status, _, _ = await _get(session, f"http://localhost:8000/?token={TOKEN}")
            assert status == 200
            status, page, _ = await _get(session, "http://localhost:8000/")
            assert status == 200 and 'data-session-websocket-url="ws://localhost:8000/ws"' in page
        st = sock.lstat()
        assert stat.S_ISSOCK(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o600
        assert stat.S_IMODE(sock.parent.stat().st_mode) == 0o700
        assert not any(c.laddr and c.status == psutil.CONN_LISTEN and c.laddr.port == port
                       for c in psutil.Process(proc.pid).net_connections("inet"))  # no TCP port at all
    finally:
        out, _ = _stop(proc)
    assert f"ssh -L {port}:{sock}" in out
    assert not sock.exists()  # removed on exit


def test_socket_refuses_a_foreign_or_live_path(tmp_path):
    env = user_env(tmp_path, "teacher", NUMBA_LAB_SERVE_TOKEN=TOKEN)
    plain = tmp_path / "not-a-socket"
    plain.write_text("x")
    res = run_lab("serve", "--socket", str(plain), env=env, timeout=60)
    assert res.returncode == 1 and "is not a socket" in res.stderr and plain.read_text() == "x"
    live = tmp_path / "live.sock"
    with socket.socket(socket.AF_UNIX) as other:
        other.bind(str(live))
        other.listen()
        res = run_lab("serve", "--socket", str(live), env=env, timeout=60)
    assert res.returncode == 1 and "already listening" in res.stderr and live.exists()
    res = run_lab("serve", "--socket", "--host", "0.0.0.0", env=env, timeout=60)
    assert res.returncode == 2 and "does not combine" in res.stderr


OTHER = "nlab-other"
CONNECT = ("import socket,sys\ns=socket.socket(socket.AF_UNIX)\n"
           "try:\n s.connect(sys.argv[1]); print('CONNECTED')\nexcept OSError as e: print(type(e).__name__, e.errno)")


def _other_user() -> str:
    """A second local account (created once; kept), or skip saying why."""
    if os.geteuid() != 0:
        pytest.skip("creating a second local user needs root")
    if not os.access("/usr/bin/python3", os.X_OK):
        pytest.skip("no system python3 that another user can run")
    if subprocess.run(["id", OTHER], capture_output=True).returncode != 0:
        made = subprocess.run(["useradd", "--system", "--no-create-home", OTHER], capture_output=True, text=True)
        if made.returncode != 0 and subprocess.run(["id", OTHER], capture_output=True).returncode != 0:
            pytest.skip(f"cannot create a second user: {made.stderr.strip()}")
    probe = subprocess.run(["runuser", "-u", OTHER, "--", "/usr/bin/python3", "-c", "print('ok')"],
                           capture_output=True, text=True)
    if probe.stdout.strip() != "ok":
        pytest.skip(f"cannot run a command as a second user: {probe.stderr.strip()}")
    return OTHER


def _connect_as(user: str, path: Path) -> str:
    return subprocess.run(["runuser", "-u", user, "--", "/usr/bin/python3", "-c", CONNECT, str(path)],
                          capture_output=True, text=True, timeout=60).stdout.strip()


async def test_another_local_account_cannot_connect_to_the_socket(tmp_path):
    user = _other_user()
    # a folder everyone may enter, so only the socket file's own mode stands between them and the lab
    shared = Path(f"/tmp/numba-lab-serve-test-{os.getpid()}")
    shared.mkdir(mode=0o755, exist_ok=True)
    os.chmod(shared, 0o755)
    open_sock = shared / "control.sock"  # positive control: a mode-666 socket the other user can open
    with socket.socket(socket.AF_UNIX) as control:
        control.bind(str(open_sock))
        os.chmod(open_sock, 0o666)
        control.listen()
        proc, _ = _start(tmp_path, "--socket", str(shared / "lab.sock"))
        default_proc = None
        try:
            async with _session(shared / "lab.sock") as session:
                assert (await _get(session, "http://localhost:8000/"))[0] == 403  # up and listening
            assert _connect_as(user, open_sock) == "CONNECTED"
            assert _connect_as(user, shared / "lab.sock") == "PermissionError 13"  # EACCES: mode 600
            default_proc, _ = _start(tmp_path, "--socket")
            default = tmp_path / "teacher" / "xdg-cache" / "numba-lab" / "serve.sock"
            async with _session(default) as session:
                assert (await _get(session, "http://localhost:8000/"))[0] == 403
            assert _connect_as(user, default) == "PermissionError 13"
        finally:
            _stop(proc)
            if default_proc is not None:
                _stop(default_proc)
            open_sock.unlink(missing_ok=True)
            for p in shared.iterdir():
                p.unlink()
            shared.rmdir()


def test_serve_refuses_a_public_address_without_the_flag(tmp_path):
    res = run_lab("serve", "--host", "0.0.0.0", "--port", str(free_port()), env=user_env(tmp_path, "teacher"),
                  timeout=60)
    assert res.returncode == 2
    assert "refusing to bind '0.0.0.0'" in res.stderr and "--allow-remote" in res.stderr


async def test_serve_with_allow_remote_warns_and_still_needs_the_token(tmp_path):
    proc, port = _start(tmp_path, "--host", "0.0.0.0", "--allow-remote")
    try:
        async with _session() as session:
            assert (await _get(session, f"http://127.0.0.1:{port}/"))[0] == 403
            assert (await _get(session, f"http://127.0.0.1:{port}/?token={TOKEN}"))[0] == 200
    finally:
        _, err = _stop(proc)
    assert "--allow-remote" in err and "UNENCRYPTED" in err and "read and change every file" in err
    assert "ssh -L" in err


def test_is_loopback_and_command():
    assert serve.is_loopback("127.0.0.1") and serve.is_loopback("localhost") and serve.is_loopback("::1")
    assert not serve.is_loopback("0.0.0.0") and not serve.is_loopback("10.1.2.3")
    args = SimpleNamespace(lessons=["rel/pack"], no_builtin=True, theme="light", cuda="sim", follow="")
    argv = serve.lab_argv(args)
    assert argv[1:3] == ["-m", "lab"]
    assert "--no-builtin" in argv and argv[argv.index("--lessons") + 1].endswith("/rel/pack")
    assert argv[argv.index("--theme") + 1] == "light" and argv[argv.index("--cuda") + 1] == "sim"
    assert argv[-1] == "--follow"


def test_guard_pieces():
    from lab import serve_auth

    with pytest.raises(serve_auth.TokenError):
        serve_auth.check_token("has space" + "x" * 20)
    a, b = serve_auth.Guard("a" * 20), serve_auth.Guard("b" * 20)
    assert a.cookie != b.cookie  # two labs on one host (cookies ignore ports) keep their own cookie
    assert serve_auth._origin_of("http://LOCALHOST") == ("http", "localhost:80")
    assert serve_auth._origin_of("http://[::1]:8000") == ("http", "[::1]:8000")
    assert serve_auth._origin_of("null") is None and serve_auth._origin_of("file:///x") is None
    assert serve_auth._js_string('/?a="</script><b>') == '"/?a=\\u0022\\u003c/script\\u003e\\u003cb\\u003e"'

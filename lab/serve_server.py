"""textual-serve's Server with the lab's guard in front (lab.serve_auth), a page whose websocket goes
back to the host the browser used, a Unix socket option, and an access log without query strings.

Built against textual-serve 1.1.x (pinned in pyproject.toml): it overrides `_make_app`, `handle_index`,
`on_startup` and `serve`, whose shapes tests/instructor/test_serve.py exercises through a real server.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from textual_serve.server import Server, to_int

from lab.serve_auth import Guard


# textual.js reads data-session-websocket-url on window.onload; this runs before, when the body is parsed
_WS_FROM_LOCATION = """<script>(function () {
  var t = document.getElementById("terminal");
  var u = new URL(t.dataset.sessionWebsocketUrl, window.location.href);
  u.protocol = u.protocol === "https:" ? "wss:" : "ws:";
  t.dataset.sessionWebsocketUrl = u.href;
})();</script>
"""


class PathOnlyAccessLog(AbstractAccessLogger):
    """One line per request without the query string, so `?token=` never reaches a log."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info('%s "%s %s" %s', request.remote or "-", request.method, request.path, response.status)


class LabServer(Server):
    def __init__(self, command: str, *, guard: Guard, sock: socket.socket | None = None, fixed_url: bool = False,
                 base_path: str | None = None, **kwargs: Any):
        super().__init__(command, title="numba-lab", **kwargs)
        self.guard = guard
        self.base_path = base_path  # behind a proxy that strips this path prefix (lab.hub): /user/NAME/numba-lab/
        self.sock = sock
        self.fixed_url = fixed_url  # --public-url: the page always points there (a proxy in front)
        self._sock_path = sock.getsockname() if sock is not None else None
        self._sock_ino = os.stat(self._sock_path).st_ino if self._sock_path else None

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.insert(0, self.guard.middleware)
        return app

    def page_base(self, request: web.Request) -> str:
        """Where the page's websocket and static files live: the public URL if one was given, else the
        scheme and host the browser used (the cookie set there is sent only back to that host)."""
        if self.fixed_url:
            return self.public_url
        return f"{request.scheme}://{request.host}"

    async def handle_index(self, request: web.Request) -> web.Response:
        if self.base_path is not None:
            return self._index_under_prefix(request)
        base = self.page_base(request)
        router = request.app.router
        ws = base + str(router["websocket"].url_for())
        ws = ("wss:" if base.startswith("https:") else "ws:") + ws.split(":", 1)[1]
        context = {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": ws,
            "config": {"static": {"url": base + str(router["static"].url_for(filename="/")).rstrip("/") + "/"}},
            "application": {"name": self.title},
        }
        return aiohttp_jinja2.render_template("app_index.html", request, context)

    def _index_under_prefix(self, request: web.Request) -> web.Response:
        """The page behind a path-prefix proxy: static files by absolute path under the prefix, and the
        websocket URL made absolute in the browser from its own location (ws: or wss: as the page was
        loaded), since only the browser knows the scheme and host the hub is reached at."""
        base = self.base_path.rstrip("/")
        context = {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": base + "/ws",
            "config": {"static": {"url": base + "/static/"}},
            "application": {"name": self.title},
        }
        page = aiohttp_jinja2.render_string("app_index.html", request, context)
        page = page.replace("</body>", _WS_FROM_LOCATION + "</body>", 1)
        return web.Response(text=page, content_type="text/html")

    async def on_startup(self, app: web.Application) -> None:
        """Quiet: `numba-lab serve` has already printed the URL with the token."""

    def serve(self, debug: bool = False) -> None:
        self.debug = debug
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.request_exit)
        where: dict[str, Any] = {"sock": self.sock} if self.sock is not None else {"host": self.host,
                                                                                    "port": self.port}
        web.run_app(self._make_app(), handle_signals=False, loop=loop, print=lambda *a: None,
                    access_log_class=PathOnlyAccessLog, **where)

    def remove_socket(self) -> None:
        """Remove our socket file, only if it is still the one we bound."""
        if not self._sock_path:
            return
        try:
            if os.lstat(self._sock_path).st_ino == self._sock_ino:
                os.unlink(self._sock_path)
        except OSError:
            pass

"""Who may use a served lab: the per-start token (URL once, then an HttpOnly cookie) and the
websocket's Origin. An aiohttp middleware put in front of textual-serve's routes; no Textual here.

A request is let through when it carries the token: `?token=` in its URL, an `Authorization: token
...` header, or the cookie set after the first page load. The first page load with `?token=` gets
the cookie and a same-origin redirect to the URL without the token, so it never sits in the address
bar, the history or a Referer. A request (above all the websocket) whose Origin is not the page's own
origin is refused even with a valid cookie: a foreign page cannot drive the lab through the learner's
browser.

Behind jupyter-server-proxy (`proxied`, see lab.hub) the lab listens only on a Unix socket in a
private folder and the proxy, which Jupyter's own login guards, adds the token to every request it
forwards as an `Authorization: token ...` header. The browser never holds the lab's token: the URL
and cookie ways in are closed, and no cookie is handed out. TLS ends at the hub, so the Origin is
compared by host and port only (Jupyter has checked the websocket's Origin too).
"""

from __future__ import annotations

import hashlib
import hmac
import html
import os
import secrets
from urllib.parse import urlsplit

from aiohttp import web

ENV = "NUMBA_LAB_SERVE_TOKEN"
MIN_TOKEN = 16
_TOKEN_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")

REFUSED = """\
numba-lab serve: this lab needs its token.

Open the full URL that `numba-lab serve` printed when it started, the one ending in ?token=...
(a new token is made each time it starts; lost it? stop the server with Ctrl+C and start it again).
"""

FOREIGN_ORIGIN = """\
numba-lab serve: refused a connection from a page at {origin!r}: only the lab's own page may
connect here. Open the URL that `numba-lab serve` printed.
"""

_HANDOFF = """\
<!DOCTYPE html>
<html><head><meta charset="utf-8"><meta name="referrer" content="no-referrer">
<meta http-equiv="refresh" content="0;url={href}"><title>numba-lab</title>
<script>window.location.replace({js_href});</script></head>
<body><p>Signed in. <a href="{href}">Continue to the lab</a>.</p></body></html>
"""


class TokenError(ValueError):
    pass


def check_token(token: str) -> str:
    """A token given by the user (--token / $NUMBA_LAB_SERVE_TOKEN), or TokenError saying what is wrong."""
    if len(token) < MIN_TOKEN:
        raise TokenError(f"the token must be at least {MIN_TOKEN} characters (a guessable token protects nothing)")
    if not set(token) <= _TOKEN_CHARS:
        raise TokenError("the token may use only letters, digits and - _ . ~ (it goes in a URL and a cookie)")
    return token


def choose_token(given: str | None) -> tuple[str, str]:
    """(token, where it came from): --token, else $NUMBA_LAB_SERVE_TOKEN, else a new random one.
    The variable is removed from our environment so the lab processes we start do not inherit it."""
    env = os.environ.pop(ENV, None)
    if given:
        return check_token(given), "--token"
    if env:
        return check_token(env), f"${ENV}"
    return secrets.token_urlsafe(32), "new"


def _origin_of(url: str) -> tuple[str, str] | None:
    """(scheme, host:port) of an origin or URL, with the default port made explicit; None if unusable."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https", "ws", "wss") or not parts.hostname:
        return None
    secure = parts.scheme in ("https", "wss")
    port = port or (443 if secure else 80)
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    return ("https" if secure else "http", f"{host}:{port}")


class Guard:
    """The token and Origin checks for one `serve` start."""

    def __init__(self, token: str, public_url: str | None = None, *, proxied: bool = False):
        self.token = token
        self.public_url = public_url
        self.proxied = proxied
        # a name of its own per token: two labs served on one host (cookies ignore the port) never collide
        self.cookie = "numba-lab-" + hashlib.sha256(token.encode()).hexdigest()[:12]
        self.secure = bool(public_url and public_url.startswith("https:"))

    def _matches(self, value: str | None) -> bool:
        return value is not None and hmac.compare_digest(value.encode(), self.token.encode())

    def authorized(self, request: web.BaseRequest) -> bool:
        auth = request.headers.get("Authorization", "")
        scheme, _, value = auth.partition(" ")
        if self.proxied:  # only the proxy's header: the browser never sees this token
            return scheme.lower() == "token" and self._matches(value.strip())
        return (self._matches(request.query.get("token"))
                or self._matches(request.cookies.get(self.cookie))
                or (scheme.lower() == "token" and self._matches(value.strip())))

    def allowed_origins(self, request: web.BaseRequest) -> set[tuple[str, str]]:
        """The page's own origin: the Host this request came to, and the public URL if one was given."""
        allowed = set()
        host = request.headers.get("Host")
        if host:
            own = _origin_of(f"{request.scheme}://{host}")
            if own:
                allowed.add(own)
        if self.public_url:
            public = _origin_of(self.public_url)
            if public:
                allowed.add(public)
        return allowed

    def origin_ok(self, request: web.BaseRequest) -> bool:
        origin = request.headers.get("Origin")
        if origin is None:  # not a browser (browsers always send Origin on a websocket); the token still applies
            return True
        parsed = _origin_of(origin)
        if parsed is not None and self.proxied:
            return _same_host(parsed[1], request.headers.get("Host", ""))
        return parsed is not None and parsed in self.allowed_origins(request)

    def handoff(self, request: web.BaseRequest) -> web.Response:
        """200 page that sets the cookie and moves to the same URL without the token. A same-origin move
        rather than an HTTP redirect: a SameSite=Strict cookie set in a redirect that a cross-site link
        started is not sent on the redirected request."""
        query = request.rel_url.query.copy()
        query.popall("token", None)
        target = request.rel_url.with_query(query)
        href = str(target) if target.query_string else target.path
        page = _HANDOFF.format(href=html.escape(href), js_href=_js_string(href))
        response = web.Response(text=page, content_type="text/html")
        response.set_cookie(self.cookie, self.token, path="/", httponly=True, samesite="Strict",
                            secure=self.secure or None)
        _no_leak(response)
        return response

    @web.middleware
    async def middleware(self, request: web.Request, handler):
        is_websocket = request.headers.get("Upgrade", "").strip().lower() == "websocket"
        if not self.origin_ok(request):  # every request, not only upgrades: no foreign page is ever welcome
            raise web.HTTPForbidden(text=FOREIGN_ORIGIN.format(origin=request.headers.get("Origin")))
        if not self.authorized(request):
            raise web.HTTPForbidden(text=REFUSED, headers={"Cache-Control": "no-store"})
        first_load = request.method == "GET" and request.path == "/" and not is_websocket
        if "token" in request.query and first_load and not self.proxied:
            return self.handoff(request)
        response = await handler(request)
        if not is_websocket and not request.path.startswith("/static/"):  # static files may be cached
            _no_leak(response)
        return response


def _same_host(origin_netloc: str, host: str) -> bool:
    """Behind a proxy the scheme is unknown (TLS ends at the hub): the Origin's host must be the Host
    the browser asked for, and its port the Host's port, or a default port when the Host has none."""
    own = _origin_of(f"http://{host}")
    if own is None:
        return False
    explicit = urlsplit(f"http://{host}").port is not None
    o_host, _, o_port = origin_netloc.rpartition(":")
    h_host, _, h_port = own[1].rpartition(":")
    return o_host == h_host and (o_port == h_port if explicit else o_port in ("80", "443"))


def _no_leak(response: web.StreamResponse) -> None:
    if not response.prepared:
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("Cache-Control", "no-store")


def _js_string(text: str) -> str:
    """A JavaScript string literal safe inside <script> (no quote, <, > or & survives raw)."""
    return '"' + "".join(c if c.isalnum() or c in "/?=.-_~%+" else f"\\u{ord(c):04x}" for c in text) + '"'

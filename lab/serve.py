"""`numba-lab serve`: the lab in a browser through textual-serve.

Every browser connection starts its own `numba-lab` process (with its own warm worker) as the user
running `serve`, so only that user may connect: each start makes a secret token (printed in the
URL; after the first page load it lives in an HttpOnly cookie, see lab.serve_auth), the websocket
must come from the lab's own page (Origin), and by default it binds 127.0.0.1. `--socket` listens on
a Unix socket of mode 600 instead, which no other local account can open at all; reach either from
a laptop with an SSH tunnel. Binding any other address needs --allow-remote and prints a warning.
`--proxied` is the mode lab.hub starts under jupyter-server-proxy (a socket, a path prefix, the token
from the proxy's environment, added by the proxy to each request; see lab.serve_auth).
"""

from __future__ import annotations

import ipaddress
import os
import re
import shlex
import socket
import sys
from pathlib import Path

from lab import paths

WARNING = """\
WARNING: --allow-remote: this lab is reachable from the network at {url}
  Anyone who has the token URL gets a lab that runs Python code as user {user!r} on this machine:
  they can read and change every file that user can, and use its GPU. The page, the token and
  everything typed travel UNENCRYPTED over plain HTTP, so anyone who can watch the network can take
  the token. All connections share that user's drafts and progress. Prefer the default (127.0.0.1)
  or --socket, with an SSH tunnel:
      ssh -L {port}:127.0.0.1:{port} <this-box>    then open the URL with the token on the laptop
"""


def is_loopback(host: str) -> bool:
    """True if every address `host` resolves to is a loopback address."""
    if host in ("localhost", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    addrs = {info[4][0] for info in infos}
    return bool(addrs) and all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addrs)


def lab_argv(args) -> list[str]:
    """The `numba-lab` command each connection runs, with the same lesson and display flags."""
    argv = [sys.executable, "-m", "lab"]
    for d in getattr(args, "lessons", None) or []:
        argv += ["--lessons", str(Path(d).expanduser().resolve())]
    if getattr(args, "no_builtin", False):
        argv.append("--no-builtin")
    if getattr(args, "theme", None):
        argv += ["--theme", args.theme]
    if getattr(args, "cuda", None) and args.cuda != "auto":
        argv += ["--cuda", args.cuda]
    if getattr(args, "timeout", None):
        argv += ["--timeout", f"{args.timeout:g}"]
    follow = getattr(args, "follow", None)
    if follow is not None:
        argv += ["--follow", follow] if follow else ["--follow"]
    return argv


def public_url(args) -> str:
    if getattr(args, "public_url", None):
        return args.public_url.rstrip("/")
    host = args.host or "127.0.0.1"
    if getattr(args, "socket", None) is not None or is_loopback(host):
        host = "localhost"
    elif host in ("0.0.0.0", "::", ""):
        host = socket.getfqdn()
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{args.port}"


_BASE_PATH = re.compile(r"/[A-Za-z0-9/._~%@+-]*")


def _proxied_problem(args, source: str, env: str) -> str | None:
    """Why these arguments cannot run --proxied, or None. Never without a token, never on TCP, and only
    in a private folder (jupyter-server-proxy's `unix_socket: True` makes one with mkdtemp, mode 700)."""
    if not getattr(args, "socket", None):
        return "--proxied listens only on a Unix socket: give --socket PATH"
    if not getattr(args, "base_path", None):
        return "--proxied needs --base-path (the path the proxy serves the lab under)"
    if source != f"${env}":
        return f"--proxied takes its token from ${env} (the proxy that sets it adds it to each request)"
    folder = Path(args.socket).expanduser().absolute().parent
    try:
        st = folder.stat()
    except OSError as exc:
        return f"cannot use the socket folder {folder}: {paths.why(exc)}"
    if st.st_uid != os.getuid() or st.st_mode & 0o077:
        return f"--proxied needs a socket folder of our own with mode 700; {folder} is not"
    return None


def _fail(message: str, code: int = 2) -> int:
    print(f"numba-lab serve: {message}", file=sys.stderr)
    return code


def main(args) -> int:
    from lab import serve_auth, serve_socket

    try:
        token, source = serve_auth.choose_token(getattr(args, "token", None))
    except serve_auth.TokenError as exc:
        return _fail(str(exc))
    on_socket = getattr(args, "socket", None) is not None
    proxied = bool(getattr(args, "proxied", False))
    base_path = getattr(args, "base_path", None)
    if base_path is not None and not _BASE_PATH.fullmatch(base_path):
        return _fail("--base-path must be a URL path such as /user/NAME/numba-lab/ (letters, digits, / . _ ~ % @ + -)")
    if proxied and (problem := _proxied_problem(args, source, serve_auth.ENV)):
        return _fail(problem)
    if on_socket and (args.host is not None or getattr(args, "allow_remote", False)):
        return _fail("--socket listens on a Unix socket only; it does not combine with --host or --allow-remote")
    host, port = args.host or "127.0.0.1", args.port
    url = public_url(args)
    box = f"{paths.user_name()}@{socket.getfqdn()}"
    sock = None
    if on_socket:
        where = Path(args.socket).expanduser() if args.socket else None
        try:
            where = where or serve_socket.default_path()
            sock = serve_socket.bind(where, default=not args.socket)
        except OSError as exc:
            return _fail(f"cannot listen on {where or 'the default socket'}: {paths.why(exc)}", 1)
        where = where.absolute()
        tunnel = f"ssh -L {port}:{where} {box}"
        bound = f"Unix socket {where}, mode 600: only {paths.user_name()!r} can connect"
    else:
        if not is_loopback(host) and not getattr(args, "allow_remote", False):
            return _fail(f"refusing to bind {host!r}: the token, the page and learner code would travel "
                         f"unencrypted over the network, and the lab runs code as {paths.user_name()!r}.\n"
                         f"  Use the default (127.0.0.1) or --socket with an SSH tunnel (see the README), or "
                         f"pass --allow-remote if you really mean it.")
        if not is_loopback(host):
            print(WARNING.format(url=url, user=paths.user_name(), port=port), file=sys.stderr, flush=True)
        tunnel = f"ssh -L {port}:127.0.0.1:{port} {box}"
        bound = f"bound to {host}:{port}"
    if source == "--token":
        print("numba-lab serve: note: a --token on the command line is visible to other users in `ps`; "
              f"${serve_auth.ENV} is not", file=sys.stderr)
    if getattr(args, "present", None) is not None:
        print("numba-lab serve: --present is ignored here (every connection would publish); run your own "
              "`numba-lab --present` and serve with --follow instead", file=sys.stderr)
    from lab.serve_server import LabServer

    guard = serve_auth.Guard(token, getattr(args, "public_url", None), proxied=proxied)
    server = LabServer(shlex.join(lab_argv(args)), guard=guard, host=host, port=port, sock=sock, public_url=url,
                       fixed_url=bool(getattr(args, "public_url", None)), base_path=base_path)
    if proxied:
        print(f"numba-lab serve: behind jupyter-server-proxy at {base_path} ({bound}); the proxy adds the token",
              flush=True)
        return _run(server, host, port, sock)
    fresh = "this start's secret token (a new one each start)" if source == "new" else f"the token from {source}"
    print(f"numba-lab serve: {url}/?token={token}\n"
          f"  ({bound}; Ctrl+C stops it)\n"
          f"  Open that URL in your browser: it carries {fresh}.\n"
          f"  From a laptop: {tunnel}\n"
          f"  then open the URL above on the laptop.", flush=True)
    return _run(server, host, port, sock)


def _run(server, host: str, port: int, sock) -> int:
    try:
        server.serve()
    except OSError as exc:
        return _fail(f"cannot listen on {host}:{port}: {exc.strerror or exc} "
                     f"(another server on that port? try --port)", 1)
    finally:
        if sock is not None:
            server.remove_socket()
    return 0

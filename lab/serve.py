"""`numba-lab serve`: the lab in a browser through textual-serve.

Every browser connection starts its own `numba-lab` process (with its own warm worker) as the user
running `serve`. There is no authentication, so it binds to 127.0.0.1 by default; reach it from a
laptop with an SSH tunnel (`ssh -L 8000:127.0.0.1:8000 box`, then http://localhost:8000). Binding
any other address needs --allow-remote and prints a warning.
"""

from __future__ import annotations

import ipaddress
import shlex
import socket
import sys
from pathlib import Path

from lab import paths

WARNING = """\
WARNING: numba-lab serve has NO authentication.
  Anyone who can reach {url} gets a lab that runs Python code as user {user!r} on this
  machine: they can read and change every file that user can. Every connection shares that user's
  drafts and progress. Prefer the default (127.0.0.1) and an SSH tunnel:
      ssh -L {port}:127.0.0.1:{port} <this-box>    then browse http://localhost:{port}
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
    host = args.host
    if is_loopback(host):
        host = "localhost"
    elif host in ("0.0.0.0", "::", ""):
        host = socket.getfqdn()
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{args.port}"


def main(args) -> int:
    host, port = args.host, args.port
    local = is_loopback(host)
    url = public_url(args)
    if not local and not getattr(args, "allow_remote", False):
        print(f"numba-lab serve: refusing to bind {host!r}: the served lab has no authentication and runs "
              f"learner code as {paths.user_name()!r}.\n"
              f"  Use the default (127.0.0.1) with an SSH tunnel (see the README), or pass --allow-remote "
              f"if you really mean it.", file=sys.stderr)
        return 2
    if not local:
        print(WARNING.format(url=url, user=paths.user_name(), port=port), file=sys.stderr, flush=True)
    if getattr(args, "present", None) is not None:
        print("numba-lab serve: --present is ignored here (every connection would publish); run your own "
              "`numba-lab --present` and serve with --follow instead", file=sys.stderr)
    from textual_serve.server import Server

    command = shlex.join(lab_argv(args))
    server = Server(command, host=host, port=port, title="numba-lab", public_url=url)
    print(f"numba-lab serve: {url} (bound to {host}:{port}); Ctrl+C stops it", flush=True)
    try:
        server.serve()
    except OSError as exc:
        print(f"numba-lab serve: cannot listen on {host}:{port}: {exc.strerror or exc} "
              f"(another server on that port? try --port)", file=sys.stderr)
        return 1
    return 0

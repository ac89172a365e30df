"""numba-lab in a Jupyter (JupyterHub single-user) server, through jupyter-server-proxy.

`pip install 'numba-lab[hub]'` registers `setup_proxy` under the `jupyter_serverproxy_servers` entry
point: the launcher shows "numba-lab", and `<base_url>numba-lab/` starts `numba-lab serve --proxied`
on demand and proxies it, page and websocket, behind the Jupyter server's own login.

Who can reach the lab:
- it listens on a Unix socket only (`unix_socket: True`: jupyter-server-proxy makes a mode-700 folder
  with mkdtemp; the socket is mode 600), so no other account on the node can connect, and there is
  no TCP port at all;
- it still needs a token: a new one each time the Jupyter server starts, handed to the lab in its
  environment (not its command line, which `ps` shows) and added by the proxy to each request it
  forwards (`Authorization: token ...`). Only requests that passed Jupyter's login reach the proxy,
  so the learner never sees or types this token, and the browser never holds it.
"""

from __future__ import annotations

import secrets
import sys

NAME = "numba-lab"  # the proxied path (<base_url>numba-lab/) and the launcher title
START_TIMEOUT = 120.0  # seconds for `numba-lab serve` to answer its socket (imports on a busy node are slow)


def command() -> list[str]:
    """`numba-lab serve --proxied` on the socket jupyter-server-proxy chose, under the proxy's path."""
    return [sys.executable, "-m", "lab", "serve", "--proxied", "--socket", "{unix_socket}",
            "--base-path", "{base_url}" + NAME + "/"]


def setup_proxy() -> dict:
    """The jupyter-server-proxy server spec (called once per Jupyter server start)."""
    from lab.serve_auth import ENV

    token = secrets.token_urlsafe(32)  # letters, digits, - and _: nothing jupyter-server-proxy's {} templating touches
    return {
        "command": command(),
        "unix_socket": True,
        "environment": {ENV: token},
        "request_headers_override": {"Authorization": f"token {token}"},
        "timeout": START_TIMEOUT,
        "absolute_url": False,  # the lab sees paths without the prefix; --base-path puts it back in the page
        "new_browser_tab": True,
        "launcher_entry": {"title": "numba-lab", "enabled": True, "category": "Other"},
    }

"""A worker whose parent (the app) disappears without cleaning up exits by itself."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil

PARENT = textwrap.dedent(
    """
    import asyncio, json, sys, tempfile
    from pathlib import Path
    import psutil
    from lab.engine.runner import Runner

    async def main():
        runner = Runner(work_dir=Path(tempfile.mkdtemp()), cuda="off")
        await runner.start()
        while runner.state == "warming":
            await asyncio.sleep(0.05)
        kids = [p.pid for p in psutil.Process().children(recursive=True)]
        print(json.dumps(kids), flush=True)
        await asyncio.sleep(600)

    asyncio.run(main())
    """
)


def test_workers_exit_when_the_app_is_killed(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    kids: list[int] = []
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True, env=env,
                              start_new_session=True)
    try:
        kids = json.loads(parent.stdout.readline())
        assert kids, "the runner started no worker"
        os.kill(parent.pid, signal.SIGKILL)  # no chance to clean up: like a closed SSH session or kill -9
        parent.wait()
        deadline = time.monotonic() + 10  # the workers check for their parent once a second
        alive = list(kids)
        while alive and time.monotonic() < deadline:
            alive = [pid for pid in alive if psutil.pid_exists(pid)
                     and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE]
            time.sleep(0.1)
        assert not alive, f"workers still running after their parent died: {alive}"
    finally:
        if parent.poll() is None:
            parent.kill()
        for pid in kids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

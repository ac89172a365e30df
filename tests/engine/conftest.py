"""One warm Runner per test module (real worker subprocesses, real numba)."""

from __future__ import annotations

import pytest_asyncio

from lab.engine.protocol import Job
from lab.engine.runner import Runner


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def runner(tmp_path_factory):
    r = Runner(work_dir=tmp_path_factory.mktemp("work"), cuda="sim")
    await r.start()
    yield r
    await r.close()

"""Job/Timing JSON round trips and validation."""

from __future__ import annotations

import json

import pytest

from lab.engine.protocol import Job, JobError, Timing
from lab.options import Options


def test_job_round_trip_through_json():
    job = Job(source="@jit\ndef f(x):\n    return x\n", entry="f", options=Options(nogil=True, extra=(("inline", "'always'"),)),
              calls=["f(1)"], timing=Timing(call="f(1)", sizes=[10, 100]), checks=[{"kind": "no_error"}],
              expect_error={"type": "TypingError", "match": "x"}, workfile="a/b")
    again = Job.from_json(json.loads(json.dumps(job.to_json())))
    assert again == job
    assert Job(source="", entry="f").id != Job(source="", entry="f").id


def test_validation_messages():
    with pytest.raises(JobError, match="kind"):
        Job(source="", entry="f", kind="gpu").validate()
    with pytest.raises(JobError, match="workfile"):
        Job(source="", entry="f", workfile="../x").validate()
    with pytest.raises(JobError, match="unknown job field"):
        Job.from_json({"source": "", "entry": "f", "bogus": 1})
    with pytest.raises(JobError, match="timing.call"):
        Timing.from_json({"call": ""})
    assert Job(source="", entry="f", memory_mb=100).effective_memory_mb == 512

"""lab.paths.read_regular_file: the one way files from outside are read (lessons, presenter files)."""

from __future__ import annotations

import os

import pytest

from lab.paths import UnsafeFile, read_regular_file


def test_reads_a_regular_file_and_a_symlink_to_one(tmp_path):
    f = tmp_path / "a.yaml"
    f.write_bytes(b"id: a\n")
    link = tmp_path / "link.yaml"
    link.symlink_to(f)
    assert read_regular_file(f, 100) == read_regular_file(link, 100) == b"id: a\n"
    assert read_regular_file(f, 6) == b"id: a\n"  # exactly the cap is allowed


@pytest.mark.parametrize("kind", ["fifo", "dir", "device", "loop", "big"])
def test_refuses_with_the_file_and_the_reason(tmp_path, kind):
    path = tmp_path / "x"
    if kind == "fifo":
        os.mkfifo(path)  # opening it for reading the plain way would block: it is never opened
        why = "FIFO"
    elif kind == "dir":
        path.mkdir()
        why = "directory"
    elif kind == "device":
        path, why = "/dev/null", "character device"
    elif kind == "loop":
        path.symlink_to(path)
        why = "symlink loop"
    else:
        with open(path, "wb") as handle:
            handle.truncate(5 << 30)  # sparse: no disk, and never read into memory
        why = f"too big: {5 << 30} bytes > 1000 bytes"
    with pytest.raises(UnsafeFile) as info:
        read_regular_file(path, 1000)
    assert why in str(info.value) and str(path) in str(info.value)
    assert isinstance(info.value, OSError) and why in info.value.reason


def test_a_missing_file_is_the_ordinary_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_regular_file(tmp_path / "nope", 10)

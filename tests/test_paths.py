"""lab.paths.read_regular_file: only regular files, never a blocking open, a size cap; set_aside keeps bytes."""

from __future__ import annotations

import os

import pytest

from lab import paths
from lab.paths import UnsafeFile, read_regular_file


def test_read_regular_file_reads_a_file_and_follows_a_link(tmp_path):
    f = tmp_path / "f.txt"
    f.write_bytes(b"hello")
    (tmp_path / "link").symlink_to(f)
    assert read_regular_file(f, 5) == b"hello"
    assert read_regular_file(tmp_path / "link", 5) == b"hello"


@pytest.mark.parametrize("kind, words", [("fifo", "FIFO"), ("dir", "a directory"), ("loop", "symlink loop"),
                                         ("big", "too big: 5 bytes > 4 bytes allowed"), ("dev", "character device")])
def test_read_regular_file_refuses_with_the_reason(tmp_path, kind, words):
    path = tmp_path / kind
    if kind == "fifo":
        os.mkfifo(path)  # opening it for reading would block forever
    elif kind == "dir":
        path.mkdir()
    elif kind == "loop":
        path.symlink_to(path)
    elif kind == "big":
        path.write_bytes(b"12345")
    else:
        path = "/dev/zero"  # reading it would never end
    with pytest.raises(UnsafeFile) as err:
        read_regular_file(path, 4)
    assert str(path) in str(err.value) and words in str(err.value)
    assert isinstance(err.value, OSError)


def test_read_regular_file_missing_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_regular_file(tmp_path / "nope", 10)


def test_set_aside_keeps_the_bytes_under_a_free_name(tmp_path):
    f = tmp_path / "progress.json"
    names = []
    for content in (b"one", b"two"):  # the same second twice: two names, nothing overwritten
        f.write_bytes(content)
        names.append(paths.set_aside(f, "bad"))
    assert [n.read_bytes() for n in names] == [b"one", b"two"] and not f.exists()
    assert all(n.name.startswith("progress.json.bad-") for n in names)

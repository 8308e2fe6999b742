"""The one checked opening every reader goes through: regular files only, sizes checked first, never blocking."""

from __future__ import annotations

import os

import pytest

from guiapp.core.files import FileRefused, check_regular, human_size, open_regular, read_regular


def test_a_regular_file_within_the_limit_is_read_whole(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"12345")
    assert read_regular(path, 5) == b"12345"
    assert check_regular(path, 5) == 5
    with open_regular(path, 10) as handle:
        assert handle.read() == b"12345"


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "big.bin"
    path.write_bytes(b"x" * 2001)
    with pytest.raises(FileRefused) as caught:
        read_regular(path, 2000)
    # 2.0 kB against 2.0 kB would read as no reason at all: then the sizes are given in bytes
    assert caught.value.reason == "is 2,001 bytes, more than the 2,000 guiapp reads from such a file"
    assert str(caught.value).startswith(f"{path}: is 2,001 bytes")
    (tmp_path / "bigger.bin").write_bytes(b"x" * 4_830_763)
    with pytest.raises(FileRefused, match="is 4.8 MB, more than the 1.0 MB guiapp reads"):
        read_regular(tmp_path / "bigger.bin", 1_000_000)


def test_a_fifo_is_refused_at_once_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    with pytest.raises(FileRefused, match="named pipe"):
        read_regular(fifo, 1000)


def test_a_symlink_to_dev_zero_is_refused_as_a_device(tmp_path):
    link = tmp_path / "zero.json"
    link.symlink_to("/dev/zero")
    with pytest.raises(FileRefused, match="is a device, not a regular file"):
        open_regular(link, 10**12)


def test_folders_missing_files_and_broken_links_each_say_what_they_are(tmp_path):
    with pytest.raises(FileRefused, match="is a folder"):
        read_regular(tmp_path, 10)
    with pytest.raises(FileRefused, match="no such file"):
        read_regular(tmp_path / "absent", 10)
    (tmp_path / "dangling").symlink_to(tmp_path / "gone")
    with pytest.raises(FileRefused, match="broken link"):
        read_regular(tmp_path / "dangling", 10)


def test_human_sizes_read_as_a_file_manager_shows_them():
    assert [human_size(n) for n in (12, 1_500, 4_830_763, 3 * 10**9)] == ["12 bytes", "1.5 kB", "4.8 MB", "3.0 GB"]

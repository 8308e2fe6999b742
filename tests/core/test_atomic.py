"""atomic: files replaced whole or not at all; outputs checked before any work."""

from __future__ import annotations

from pathlib import Path

import pytest

from guiapp.core.atomic import (
    CommittedInterrupt,
    Terminated,
    atomic_path,
    atomic_paths,
    check_output_path,
    check_writable_folder,
    refuse_overwrite,
    write_text_atomic,
)
from guiapp.core.errors import GuiappError, OutputExistsError


def test_write_text_atomic_replaces_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "sub" / "card.txt"
    write_text_atomic(target, "first")
    write_text_atomic(target, "second ✓")
    assert target.read_text(encoding="utf-8") == "second ✓"
    assert sorted(p.name for p in target.parent.iterdir()) == ["card.txt"]


def test_atomic_path_keeps_the_old_file_when_the_write_fails(tmp_path):
    target = tmp_path / "model.keras"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        assert tmp.suffix == ".keras" and tmp.parent == tmp_path
        tmp.write_bytes(b"half")
        raise RuntimeError("disk full")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["model.keras"]


def test_atomic_paths_replaces_all_together(tmp_path):
    a, b = tmp_path / "m.keras", tmp_path / "m.json"
    a.write_text("old a")
    with atomic_paths(a, b) as (ta, tb):
        ta.write_text("new a")
        tb.write_text("new b")
    assert (a.read_text(), b.read_text()) == ("new a", "new b")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.json", "m.keras"]


def test_atomic_paths_keeps_every_old_file_after_an_error(tmp_path):
    a, b = tmp_path / "m.keras", tmp_path / "m.json"
    a.write_text("old a")
    with pytest.raises(KeyboardInterrupt), atomic_paths(a, b) as (ta, tb):
        ta.write_text("new a")
        raise KeyboardInterrupt
    assert a.read_text() == "old a" and not b.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["m.keras"]


def test_refuse_overwrite_without_force(tmp_path):
    path = tmp_path / "out.keras"
    refuse_overwrite(path, force=False)  # missing: fine
    path.write_text("x")
    with pytest.raises(OutputExistsError, match=r"out\.keras: already exists — pass --force"):
        refuse_overwrite(path, force=False)
    refuse_overwrite(path, force=True)


def test_check_output_path_refusals_name_the_path(tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    with pytest.raises(GuiappError, match=r"folder: is a folder, so the output cannot be written there"):
        check_output_path(folder, force=True)
    afile = tmp_path / "afile"
    afile.write_text("x")
    with pytest.raises(GuiappError, match="is a file, not a folder"):
        check_output_path(afile, force=True, folder=True)
    with pytest.raises(GuiappError, match="bytes long, more than a file system takes"):
        check_output_path(tmp_path / ("n" * 240), force=False)
    with pytest.raises(GuiappError, match="is not a folder, so the output cannot be written below it"):
        check_output_path(afile / "inside.keras", force=False)
    check_output_path(tmp_path / "new" / "deeper" / "out.keras", force=False)  # a folder to be made: fine


def test_check_writable_folder_tries_a_real_file():
    # /proc takes no new file, not even from root: the check tries one rather than reading permission bits.
    with pytest.raises(GuiappError, match=r"^/proc: cannot be written"):
        check_writable_folder(Path("/proc/guiapp-no-such-folder"))


def test_interrupt_classes_are_keyboard_interrupts():
    assert issubclass(Terminated, KeyboardInterrupt)
    assert issubclass(CommittedInterrupt, KeyboardInterrupt)
    assert Terminated.exit_code == 143

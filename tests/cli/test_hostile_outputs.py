"""`guiapp --screenshot PATH` on a path that cannot take the PNG: one line and exit 2 before any window opens."""

from __future__ import annotations

import pytest

from tests.cli.test_cli import run_cli

LONG_NAME = "a" * 300 + ".png"


@pytest.fixture()
def no_window(monkeypatch):
    """The refusal must come before the window: opening one fails the test."""
    def refuse(*_args, **_kwargs):
        raise AssertionError("the screenshot was started for a path that cannot take it")

    monkeypatch.setattr("guiapp.ui.offscreen.take_screenshot", refuse)


def test_a_screenshot_through_a_file_is_refused_before_the_window(tmp_path, capsys, no_window):
    (tmp_path / "afile").write_text("not a folder")
    code, out, err = run_cli(capsys, "--screenshot", tmp_path / "afile" / "x.png")
    assert code == 2 and out == ""
    assert err == f"guiapp: {tmp_path / 'afile'}: is not a folder, so the output cannot be written below it\n"


def test_a_screenshot_into_proc_is_refused_before_the_window(capsys, no_window):
    code, _, err = run_cli(capsys, "--screenshot", "/proc/x.png")
    assert code == 2
    assert err.startswith("guiapp: /proc: cannot be written (") and err.count("\n") == 1


def test_a_screenshot_name_too_long_for_the_file_system_is_refused(tmp_path, capsys, no_window):
    code, _, err = run_cli(capsys, "--screenshot", tmp_path / LONG_NAME)
    assert code == 2 and err.count("\n") == 1
    assert err.startswith(f"guiapp: {tmp_path / LONG_NAME}: the name 'aaaa")
    assert "is 304 bytes long, more than a file system takes" in err
    assert list(tmp_path.iterdir()) == []


def test_force_never_replaces_a_folder_with_a_screenshot(tmp_path, capsys, no_window):
    folder = tmp_path / "shot.png"
    (folder / "inside").mkdir(parents=True)
    code, _, err = run_cli(capsys, "--screenshot", folder, "--force")
    assert code == 2
    assert err == (f"guiapp: {folder}: is a folder, so the output cannot be written there "
                   "(--force replaces files, never folders)\n")
    assert (folder / "inside").is_dir()


def test_an_existing_screenshot_without_force_is_still_refused(tmp_path, capsys, no_window):
    shot = tmp_path / "shot.png"
    shot.write_bytes(b"old")
    code, _, err = run_cli(capsys, "--screenshot", shot)
    assert code == 2 and "already exists" in err and shot.read_bytes() == b"old"

"""--replay, --video, --size and --present: what means nothing, or a bad file, is one line and exit 2 before
any window opens."""

from __future__ import annotations

import pytest

from guiapp.cli import main

DEMO = '{"format": "guiapp-demo", "version": 1, "canvas": [280, 280], "events": []}'


@pytest.mark.parametrize(("args", "says"), [
    (["--video", "x.mp4"], "give --replay DEMO.json or --history DIR"),
    (["--video", "x.mp4", "--replay", "d.json", "--history", "h"], "one of them"),
    (["--video", "x.avi", "--replay", "d.json"], ".gif"),
    (["--screenshot", "x.png", "--video", "x.mp4", "--replay", "d.json"], "give one"),
    (["--screenshot", "x.png", "--replay", "d.json"], "give --video PATH"),
    (["--size", "1280x720"], "--size sets the window's size for --screenshot or --video"),
])
def test_options_that_mean_nothing_are_one_line(tmp_path, monkeypatch, capsys, args, says):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "d.json").write_text(DEMO)
    assert main(args) == 2
    err = capsys.readouterr().err
    assert says in err and err.count("\n") == 1


def test_a_bad_size_is_refused_by_the_parser(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--screenshot", "x.png", "--size", "12x5"])
    assert exit_.value.code == 2
    assert "WIDTHxHEIGHT" in capsys.readouterr().err


@pytest.mark.parametrize("content", ["{", '{"format": "guiapp-demo", "version": 7, "events": []}', "[1, 2]"])
def test_a_stranger_s_demo_is_one_line_naming_it(tmp_path, capsys, content):
    demo = tmp_path / "demo.json"
    demo.write_text(content)
    assert main(["--replay", str(demo), "--video", str(tmp_path / "out.gif")]) == 2
    err = capsys.readouterr().err
    assert str(demo) in err and err.count("\n") == 1
    assert not (tmp_path / "out.gif").exists()


def test_an_existing_clip_is_not_overwritten_without_force(tmp_path, capsys):
    demo = tmp_path / "demo.json"
    demo.write_text(DEMO)
    (tmp_path / "out.mp4").write_bytes(b"mine")
    assert main(["--replay", str(demo), "--video", str(tmp_path / "out.mp4")]) == 2
    assert "already exists" in capsys.readouterr().err
    assert (tmp_path / "out.mp4").read_bytes() == b"mine"

"""Class names from a file: text lines or a JSON list, the count checked, hostile files refused in one line."""

from __future__ import annotations

import pytest

from guiapp.core.model.class_names import ClassNamesError, read_class_names


def test_one_name_per_line_with_comments_and_blank_lines(tmp_path):
    path = tmp_path / "names.txt"
    path.write_text("# CIFAR-ish\nairplane\n\n  cat  \ndog\n", encoding="utf-8")
    assert read_class_names(path, 3) == ("airplane", "cat", "dog")


def test_a_json_list(tmp_path):
    path = tmp_path / "names.json"
    path.write_text('["zéro", "un", 2]', encoding="utf-8")
    assert read_class_names(path, 3) == ("zéro", "un", "2")


@pytest.mark.parametrize(("content", "problem"), [
    (b"a\nb\n", "names 2 classes; the model has 3"),
    (b"\xff\xfe\x00garbage", "is not UTF-8 text"),
    (b"[1, [2]]", "items are not all names"),
    (b"[" * 100_000, "is not valid JSON"),
    (b"x" * 1_000_001, "is 1,000,001 bytes, more than the 1,000,000 guiapp reads from such a file"),
])
def test_bad_files_get_one_line_naming_the_file(tmp_path, content, problem):
    path = tmp_path / "names.txt"
    path.write_bytes(content)
    with pytest.raises(ClassNamesError) as caught:
        read_class_names(path, 3)
    message = str(caught.value)
    assert problem in message and str(path) in message and "\n" not in message


def test_a_folder_or_a_missing_file(tmp_path):
    with pytest.raises(ClassNamesError, match="a folder, not a file"):
        read_class_names(tmp_path, 3)
    with pytest.raises(ClassNamesError, match="no such file"):
        read_class_names(tmp_path / "none.txt", 3)


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_a_fifo_or_dev_zero_is_refused_at_once(tmp_path, kind):
    from guiapp.core.model.class_names import HINT
    from tests.hostile_files import (
        not_a_file,
    )

    path = tmp_path / "names.txt"
    with not_a_file(kind, path) as (_, reason), pytest.raises(ClassNamesError) as caught:
        read_class_names(path, 10)
    assert str(caught.value) == f"{path}: {reason} — {HINT}"

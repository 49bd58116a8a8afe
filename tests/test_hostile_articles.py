"""Issue 13: front matter is held to what the reader expects; sizes have limits.

A YAML alias bomb expanded until memory ran out (a smaller one became a
7.8 MB headline); front matter of the wrong type became msgids ("[1, 2]",
"True"); ``image: "str"`` was ignored in silence. Each is now an error
naming the file, the line and the key, and nothing is written.
"""

from __future__ import annotations

import pytest

from pipeline.cli import cli

BOMB = """---
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
title: *g
---

Body text of the article.
"""


def extract(runner, root):
    return runner.invoke(cli, ["--root", str(root), "extract"])


def write(root, front: str, name: str = "story.md") -> None:
    (root / "articles" / name).write_text(f"---\n{front}\n---\n\nBody text of the article.\n",
                                          encoding="utf-8")


def test_alias_bomb_is_refused_at_its_line(runner, empty_project):
    (empty_project / "articles" / "bomb.md").write_text(BOMB, encoding="utf-8")
    result = extract(runner, empty_project)
    assert result.exit_code == 1
    assert "bomb.md:3:" in result.output and "aliases (*a) are not allowed" in result.output
    assert not (empty_project / "locales" / "templates" / "bomb.pot").exists()


@pytest.mark.parametrize("front,line,message", [
    ("title: [1, 2]", 2, "title: expected text, got a list"),
    ("title: true", 2, "title: expected text, got true/false"),
    ("title: 1984", 2, 'title: expected text, got a number (put it in quotes: title: "1984")'),
    ("title: Ok\nsection: [News, 5]", 3, "section: expected text or a list of texts, got a number"),
    ("title: Ok\nbyline: {name: x}", 3, "byline: expected text, got a mapping"),
    ('title: Ok\nimage: "photo.jpg"', 3, "image: expected a mapping (caption: ..., credit: ...), "
                                         "got str"),
    ("title: Ok\nimage:\n  caption: 5", 4, "image.caption: expected text, got a number"),
    ("title: Ok\ndate: [2026, 3]", 3, "date: expected a date (YYYY-MM-DD), got a list"),
    ("title: Ok\nbase: &x {k: v}\nother: {<<: *x}", 4, "aliases (*x) are not allowed"),
])
def test_front_matter_of_the_wrong_type_names_file_line_and_key(runner, empty_project, front,
                                                                 line, message):
    write(empty_project, front)
    result = extract(runner, empty_project)
    assert result.exit_code == 1, result.output
    assert f"story.md:{line}: front matter: {message}" in result.output, result.output
    assert not (empty_project / "locales" / "templates" / "story.pot").exists()


def test_oversized_front_matter_is_refused(runner, empty_project):
    write(empty_project, "title: " + "x" * 70_000)
    result = extract(runner, empty_project)
    assert result.exit_code == 1
    assert "story.md:1: front matter of 70,007 characters; the limit is 65,536" in result.output


def test_good_front_matter_still_reads(runner, empty_project):
    write(empty_project, "title: Kirkuk air base reopens\nsection: [Iraq News, Security]\n"
                         "date: 2026-04-02\nimage:\n  src: kirkuk.jpg\n  caption: The runway\n"
                         "  credit: AFP\ntags: [iraq]\ncms_id: 12345")
    result = extract(runner, empty_project)
    assert result.exit_code == 0, result.output
    pot = (empty_project / "locales" / "templates" / "story.pot").read_text(encoding="utf-8")
    assert 'msgid "Kirkuk air base reopens"' in pot and 'msgid "The runway"' in pot

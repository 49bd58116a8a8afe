"""Issue 13: settings of the wrong type, range or name stop the run before any work or request.

Each case is what a careless desk wrote in ``pyproject.toml``; each must be
one line naming the table and the key, exit 2, and nothing written or sent.
"""

from __future__ import annotations

import pytest

from pipeline.cli import cli
from pipeline.config import load_project
from pipeline.errors import SettingsError
from pipeline.schema import ENGINE_NAMES


def write_settings(root, text: str) -> None:
    """Replace the project's [tool.newsloc] tables by *text*."""
    head = "" if text.startswith("languages") else 'languages = ["ar", "ckb", "ku"]\n'
    (root / "pyproject.toml").write_text("[tool.newsloc]\n" + head + text + "\n", encoding="utf-8")


def files(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


@pytest.mark.parametrize("text,message", [
    ('[tool.newsloc.translate]\nretries = "many"',
     '[tool.newsloc.translate] retries: expected an integer, got "many"'),
    ('translate = "libre"', '[tool.newsloc] translate: expected a table, got "libre"'),
    ('[tool.newsloc.export]\nmin_reviewed = true',
     "[tool.newsloc.export] min_reviewed: expected a number, got true"),
    ('source = "../../x"', '[tool.newsloc] source: expected a locale code'),
    ("locales = 5", "[tool.newsloc] locales: expected a string, got 5"),
    ('editions = "../published"', "[tool.newsloc] editions: '../published' leaves the project"),
    ('[tool.newsloc.translate]\nconcurrency = 0',
     "[tool.newsloc.translate] concurrency: must be ≥ 1, got 0"),
    ('[tool.newsloc.translate]\nrate = -5', "[tool.newsloc.translate] rate: must be ≥ 0, got -5"),
    ('[tool.newsloc.translate]\ntimeout = 0', "[tool.newsloc.translate] timeout: must be > 0, got 0"),
    ('[tool.newsloc.translate]\nretries = 50',
     "[tool.newsloc.translate] retries: must be ≤ 20, got 50"),
    ('[tool.newsloc.translate]\nengin = "libre"', "[tool.newsloc.translate] engin: unknown key"),
    ('[tool.newsloc.translate]\nengine = "lbre"', '[tool.newsloc.translate] engine: expected one of'),
    ('[tool.newsloc.translate.libr]\nurl = "http://127.0.0.1:1/"',
     "[tool.newsloc.translate] libr: no such engine"),
    ('[tool.newsloc.translate.libre]\nconcurency = 4',
     "[tool.newsloc.translate.libre] concurency: unknown key"),
    ('[tool.newsloc.export]\nformats = ["html", "pdf"]',
     '[tool.newsloc.export] formats[1]: expected one of "html", "md" or "txt", got "pdf"'),
    ('[tool.newsloc.export]\ndigits = { ar = "roman" }',
     '[tool.newsloc.export] digits.ar: expected one of'),
    ('[tool.newsloc.memory]\nthreshold = 0', "[tool.newsloc.memory] threshold: must be > 0, got 0"),
    ('[tool.newsloc.memory]\nurl = "mysql://desk"',
     "[tool.newsloc.memory] url: expected a URL starting with postgresql://"),
    ('languages = ["ar", 5]', "[tool.newsloc] languages[1]: expected a string, got 5"),
    ('[tool.newsloc.transalte]\nengine = "libre"', "[tool.newsloc] transalte: unknown key"),
    ('languages = ["ar", "xx_YY"]', "[tool.newsloc] languages[1]: "),
    ('[tool.newsloc.export]\nlocale = { ar = "zz" }', "[tool.newsloc.export] locale.ar: "),
    ('[tool.newsloc.translate\nengine = "fake"', "not valid TOML"),
])
def test_bad_setting_is_one_line_exit_2_before_any_work(runner, empty_project, mt, text, message):
    write_settings(empty_project, text + '\n')
    before = files(empty_project)
    for command in (["extract"], ["translate", "--engine", "libre", "--url", mt.url], ["status"],
                    ["export"], ["build"]):
        result = runner.invoke(cli, ["--root", str(empty_project), *command])
        assert result.exit_code == 2, (command, result.output)
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert len(lines) == 1 and message in lines[0], (command, result.output)
        assert "pyproject.toml" in lines[0]
    assert files(empty_project) == before              # nothing written, not even .newsloc/
    assert mt.translations() == []                      # nothing sent


def test_good_settings_load_and_keep_their_values(empty_project):
    write_settings(empty_project, '[tool.newsloc.translate]\nengine = "libre"\n'
                   'url = "http://127.0.0.1:5000/"\ntimeout = 5\nretries = 0\n'
                   '[tool.newsloc.translate.mymemory]\nemail = "desk@example.org"\n'
                   '[tool.newsloc.translate.llm]\nmodel = "m"\nmax_tokens = 4000\ntemperature = 0.2\n'
                   '[tool.newsloc.memory]\nurl = "postgresql://desk@db/newsloc"\n'
                   '[tool.newsloc.export]\nformats = "html,md"\nmin_reviewed = 80\n')
    project = load_project(empty_project)
    assert project.section("translate")["engine"] == "libre"
    assert project.section("translate")["llm"]["model"] == "m"
    assert project.section("export")["formats"] == "html,md"


def test_every_registered_engine_is_a_known_name():
    from pipeline.translate.engines import ENGINES
    assert set(ENGINES) <= set(ENGINE_NAMES)


def test_settings_error_is_a_config_error_with_the_file(empty_project):
    write_settings(empty_project, "[tool.newsloc.translate]\nretries = true\n")
    with pytest.raises(SettingsError) as info:
        load_project(empty_project)
    assert info.value.path == empty_project / "pyproject.toml"
    assert str(info.value).endswith("[tool.newsloc.translate] retries: expected an integer, got true")


def test_settings_checked_once_are_checked_again_when_they_change(runner, empty_project):
    write_settings(empty_project, "[tool.newsloc.translate]\nretries = 2\n")
    assert runner.invoke(cli, ["--root", str(empty_project), "status"]).exit_code in (0, 1)
    assert (empty_project / ".newsloc" / "settings.ok").is_file()     # the pydantic check is skipped next time
    write_settings(empty_project, "[tool.newsloc.translate]\nretries = -2\n")
    result = runner.invoke(cli, ["--root", str(empty_project), "status"])
    assert result.exit_code == 2 and "retries: must be ≥ 0, got -2" in result.output


def test_settings_are_checked_again_after_an_upgrade_of_the_libraries_that_check_them(empty_project, monkeypatch):
    """settings.ok vouches for the schema (pydantic) and the locale codes (babel): a new version
    of either may judge the same settings otherwise, so the marker no longer matches."""
    import pipeline.schema
    import pipeline.versions
    write_settings(empty_project, 'languages = ["ar", "ckb"]\n[tool.newsloc.translate]\nretries = 2\n')
    load_project(empty_project)
    checked = []
    real = pipeline.schema.validate_settings
    monkeypatch.setattr(pipeline.schema, "validate_settings", lambda table: checked.append(1) or real(table))
    load_project(empty_project)
    assert checked == []  # the marker matched: not checked again
    for dist in ("babel", "pydantic"):
        real_version = pipeline.versions.library_version
        monkeypatch.setattr(pipeline.versions, "library_version",
                            lambda name, dist=dist, real_version=real_version:
                            "999.0" if name == dist else real_version(name))
        load_project(empty_project)
        assert len(checked) == 1, dist  # checked again once, then remembered
        load_project(empty_project)
        assert len(checked) == 1, dist
        checked.clear()

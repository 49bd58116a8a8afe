"""TMX 1.4 interchange: export, import, round trip, hostile files, the tm commands."""

from __future__ import annotations


import pytest

from pipeline.cli import cli
from pipeline.config import load_project
from pipeline.errors import CatalogError
from pipeline.translate.exchange import export_tmx, import_tmx
from pipeline.translate.memory import imported_path, load_memory
from pipeline.translate.run import pretranslate_catalogs
from pipeline.translate.tmx import read_tmx

from .support_memory import entries, make_project, review, stand_in
from .test_memory import FLOOD, NEW, SHARED, STORM

OMEGAT = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx14.dtd">
<tmx version="1.4">
  <header creationtool="OmegaT" o-tmf="OmegaT TMX" adminlang="EN-US" datatype="plaintext"
          creationtoolversion="6.0.0" segtype="sentence" srclang="EN-US"/>
  <body>
    <tu>
      <tuv xml:lang="EN-US"><seg>Schools will reopen next week,
        the education ministry announced.</seg></tuv>
      <tuv xml:lang="AR-SA"><seg>ستعيد المدارس فتح أبوابها الأسبوع المقبل، بحسب وزارة التربية.</seg></tuv>
    </tu>
    <tu>
      <tuv xml:lang="EN-US"><seg><bpt i="1">&lt;b&gt;</bpt>Flood waters<ept i="1">&lt;/b&gt;</ept> recede in the north</seg></tuv>
      <tuv xml:lang="KMR"><seg>Avên lehiyê li bakur kêm dibin</seg></tuv>
      <tuv xml:lang="FR-FR"><seg>Les eaux reculent dans le nord</seg></tuv>
    </tu>
    <tu>
      <tuv xml:lang="EN-US"><seg>Heavy rain flooded dozens of homes in the port city on Monday, officials said.</seg></tuv>
      <tuv xml:lang="AR-SA"><seg>ترجمة مستوردة يجب ألا تحل محل ترجمة مراجعة</seg></tuv>
    </tu>
  </body>
</tmx>
"""


@pytest.fixture
def desk(tmp_path):
    root = make_project(tmp_path / "desk", {"storm.txt": STORM, "flood.txt": FLOOD})
    review(root, "storm", "ar")
    review(root, "storm", "ckb")
    return root


def test_export_is_tmx_14_with_required_header(desk):
    data, count = export_tmx(load_project(desk))
    assert count == 8  # 4 reviewed entries x 2 languages
    text = data.decode("utf-8")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">')
    from xml.etree import ElementTree as ET
    root = ET.fromstring(data)
    header = root.find("header")
    assert root.get("version") == "1.4"
    for attr in ("creationtool", "creationtoolversion", "segtype", "o-tmf", "adminlang",
                 "srclang", "datatype"):
        assert header.get(attr), attr
    assert header.get("srclang") == "en" and header.get("segtype") == "sentence"
    langs = {tuv.get("{http://www.w3.org/XML/1998/namespace}lang") for tuv in root.iter("tuv")}
    assert langs == {"en", "ar", "ckb"}
    assert 'xml:lang="ar"' in text


def test_export_is_deterministic_and_filters_language(desk):
    project = load_project(desk)
    assert export_tmx(project)[0] == export_tmx(project)[0]
    data, count = export_tmx(project, ["ckb"])
    assert count == 4 and b'xml:lang="ar"' not in data


def test_round_trip_into_a_fresh_project(desk, tmp_path):
    project = load_project(desk)
    data, _ = export_tmx(project)
    tmx = tmp_path / "desk.tmx"
    tmx.write_bytes(data)
    other = make_project(tmp_path / "other", {"flood.txt": FLOOD})
    report = import_tmx(load_project(other), tmx)
    assert dict(report.added) == {"ar": 4, "ckb": 4} and report.duplicates == 0
    assert imported_path(load_project(other), "ar").is_file()
    back = load_memory(load_project(other))
    original = {(u.lang, u.source, u.target) for u in load_memory(project).units}
    assert {(u.lang, u.source, u.target) for u in back.units} == original
    assert all(u.imported and u.origin == "tmx:storm" for u in back.units)
    # Exported again, the imported units are the same TMX content.
    assert export_tmx(load_project(other))[0].replace(b"tmx:storm", b"storm") == data
    # Importing twice adds nothing.
    assert sum(import_tmx(load_project(other), tmx).added.values()) == 0


def test_translate_toolkit_reads_our_tmx(desk):
    """Weblate reads TMX through translate-toolkit."""
    tmxfile = pytest.importorskip("translate.storage.tmx").tmxfile
    data, _ = export_tmx(load_project(desk), ["ar"])
    store = tmxfile(data, sourcelanguage="en", targetlanguage="ar")
    pairs = {u.source: u.target for u in store.units}
    assert pairs[SHARED] == stand_in("ar", SHARED) and len(pairs) == 4


def test_import_omegat_style_file(desk, tmp_path):
    project = load_project(desk)
    tmx = tmp_path / "vendor.tmx"
    tmx.write_text(OMEGAT, encoding="utf-8")
    report = import_tmx(project, tmx)
    assert dict(report.added) == {"ar": 2, "ku": 1}
    assert report.other_languages == {"FR-FR": 1}
    memory = load_memory(project)
    assert memory.exact(NEW, "ar").unit.target.startswith("ستعيد المدارس")
    assert memory.exact(NEW, "ar").unit.origin == "tmx:vendor"
    assert memory.exact("Flood waters recede in the north", "ku").unit.target == "Avên lehiyê li bakur kêm dibin"
    # The catalogue's reviewed unit beats the imported one for the same sentence.
    assert memory.exact(SHARED, "ar").unit.origin == "storm"


def test_imported_units_never_overwrite_reviewed_entries(desk, tmp_path):
    project = load_project(desk)
    mine = "ترجمة المحرر"
    review(desk, "flood", "ar", lambda s: mine if s == SHARED else None)
    tmx = tmp_path / "vendor.tmx"
    tmx.write_text(OMEGAT, encoding="utf-8")
    before = project.catalog_path("flood", "ar").read_bytes()
    import_tmx(project, tmx)
    assert project.catalog_path("flood", "ar").read_bytes() == before  # import touches no catalogue
    pretranslate_catalogs(project, ["flood"], ["ar"], retranslate=True)
    got = entries(desk, "flood", "ar")
    assert got[SHARED].msgstr == mine and "fuzzy" not in got[SHARED].flags
    assert got[NEW].msgstr.startswith("ستعيد") and "fuzzy" in got[NEW].flags
    assert "TM 100% from tmx:vendor" in got[NEW].comment


def test_imported_exact_match_never_counts_as_reviewed(tmp_path):
    root = make_project(tmp_path / "d", {"flood.txt": FLOOD},
                        extra_toml="\n[tool.newsloc.memory]\nexact_is_reviewed = true\n")
    tmx = tmp_path / "vendor.tmx"
    tmx.write_text(OMEGAT, encoding="utf-8")
    import_tmx(load_project(root), tmx)
    pretranslate_catalogs(load_project(root), ["flood"], ["ar"])
    assert "fuzzy" in entries(root, "flood", "ar")[NEW].flags


@pytest.mark.parametrize("body, message", [
    ('<?xml version="1.0"?>\n<!DOCTYPE tmx [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n'
     '<tmx version="1.4"><header/><body/></tmx>', "unsafe XML"),
    ('<?xml version="1.0"?>\n<!DOCTYPE tmx [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
     '<tmx version="1.4"><header/><body><tu><tuv xml:lang="en"><seg>&x;</seg></tuv></tu></body></tmx>',
     "unsafe XML"),
    ('<?xml version="1.0"?>\n<tmx version="1.4"><header/><body><tu>\n<tuv></tmx>', "not well-formed"),
    ('<?xml version="1.0"?>\n<xliff version="1.2"/>', "not a TMX file"),
    ("", "not well-formed"),
])
def test_hostile_or_wrong_files_are_refused(desk, tmp_path, runner, body, message):
    tmx = tmp_path / "bad.tmx"
    tmx.write_text(body, encoding="utf-8")
    with pytest.raises(CatalogError, match=message):
        read_tmx(tmx, source_lang="en", languages=["ar"])
    result = runner.invoke(cli, ["--root", str(desk), "tm", "import", str(tmx)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "bad.tmx" in result.output
    assert "Traceback" not in result.output
    assert not (desk / "locales" / "ar" / "memory.tmx").exists()


def test_cli_export_import_stats(desk, tmp_path, runner):
    out = tmp_path / "ar.tmx"
    result = runner.invoke(cli, ["--root", str(desk), "tm", "export", "--format", "tmx",
                                 "--lang", "ar", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "4 translation unit(s) written" in result.output and out.is_file()
    result = runner.invoke(cli, ["--root", str(desk), "tm", "export"])
    assert result.exit_code == 0 and result.output.startswith("<?xml")
    vendor = tmp_path / "vendor.tmx"
    vendor.write_text(OMEGAT, encoding="utf-8")
    result = runner.invoke(cli, ["--root", str(desk), "tm", "import", str(vendor)])
    assert result.exit_code == 0, result.output
    assert "imported 3 unit(s) (ar 2, ku 1)" in result.output
    assert "skipped 1 segment(s) in FR-FR" in result.output
    result = runner.invoke(cli, ["--root", str(desk), "tm", "stats"])
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line.split() for line in result.output.splitlines()[1:] if line.strip()}
    assert lines["ar"][1:] == ["4", "1", "2", "5", "1"]  # the vendor disagrees on SHARED
    assert lines["ku"][1:] == ["0", "0", "1", "1", "0"]


def test_cli_help_shows_examples(runner):
    for args in (["tm"], ["tm", "export"], ["tm", "import"], ["tm", "stats"]):
        result = runner.invoke(cli, [*args, "--help"])
        assert result.exit_code == 0 and "Example" in result.output

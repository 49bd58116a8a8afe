"""Project settings: the ``[tool.newsloc]`` table of a newsroom's ``pyproject.toml``.

A *project* is a folder (the "root") holding ``pyproject.toml`` with a
``[tool.newsloc]`` table, the English articles, the catalogues and the
editions. Keys (all optional, defaults shown)::

    [tool.newsloc]
    source = "en"                    # language of the articles
    languages = ["ar", "ckb", "ku"]  # target locales, babel style
    articles = "articles"            # folders, relative to the root
    locales = "locales"
    editions = "editions"

Sub-tables for later stages (``[tool.newsloc.translate]``,
``[tool.newsloc.export]``, ...) are kept in :attr:`Project.settings` and read
by the module that owns them.

Every key of every table is checked when the project loads, against the
schema in :mod:`pipeline.schema` (types, ranges, allowed values, unknown
keys): a bad one raises :class:`~pipeline.errors.SettingsError` naming the
table and key, before any work or request. The three folders must stay
inside the project: no ``..``, no absolute path elsewhere, and (unless
``allow_outside = true``) no symbolic link leading out of it.

A folder without ``pyproject.toml`` (or without the table) is still a
project, with the defaults: that is what lets ``--root`` point at a bare
folder of articles.
"""

from __future__ import annotations

import json
import os
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from .errors import ConfigError, LocaleError, SettingsError

DEFAULT_LANGUAGES = ("ar", "ckb", "ku")
ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm")
#: Default sizes newsloc refuses with a message (``[tool.newsloc.limits]`` overrides them).
DEFAULT_LIMITS = {
    "article_bytes": 4 << 20,    # one article file (a 50 MB one took 1.1 GB to extract)
    "entry_chars": 20_000,       # one segment, or one translation (check)
    "glossary_terms": 50_000,    # one glossary file (a million rows took translate 150 s)
}

#: Slugs an article may not have: names of files newsloc generates beside editions.
RESERVED_SLUGS = {"index": "index page of each language (index.html, index.json)",
                  "proof": "folder of proof pages"}


@dataclass(frozen=True)
class Project:
    """Where a newsroom's files live and which languages it publishes."""

    root: Path
    source: str = "en"
    languages: tuple[str, ...] = DEFAULT_LANGUAGES
    articles_dir: Path = Path("articles")
    locales_dir: Path = Path("locales")
    editions_dir: Path = Path("editions")
    settings: dict[str, Any] = field(default_factory=dict)
    allow_outside: bool = False   # articles/catalogues may be links to files outside the root

    @property
    def templates_dir(self) -> Path:
        return self.locales_dir / "templates"

    @property
    def state_dir(self) -> Path:
        """Derived, git-ignored state (caches, indexes, locks)."""
        return self.root / ".newsloc"

    def template_path(self, slug: str) -> Path:
        return self.templates_dir / f"{slug}.pot"

    def catalog_path(self, slug: str, lang: str) -> Path:
        return self.locales_dir / lang / f"{slug}.po"

    # The same names as strings, for the loops that name every file of an archive
    # (a Path per file cost more than the work of a no-op run over 60,000 catalogues).

    def template_name(self, slug: str) -> str:
        """:meth:`template_path` as a string."""
        return os.path.join(self.locales_dir, "templates", slug + ".pot")

    def catalog_name(self, slug: str, lang: str) -> str:
        """:meth:`catalog_path` as a string."""
        return os.path.join(self.locales_dir, lang, slug + ".po")

    def limit(self, name: str) -> int:
        """The size limit *name* (:data:`DEFAULT_LIMITS`), from ``[tool.newsloc.limits]`` if set."""
        return int(self.section("limits").get(name) or DEFAULT_LIMITS[name])

    def section(self, name: str) -> dict[str, Any]:
        """Return the ``[tool.newsloc.<name>]`` sub-table (empty if absent)."""
        value = self.settings.get(name, {})
        return value if isinstance(value, dict) else {}

    def article_paths(self) -> list[Path]:
        """Every article file of the project, sorted by slug.

        Raises :class:`ConfigError` naming the files when two articles share a
        slug (``x.txt`` and ``x.md`` would write the same catalogues), when a
        slug is a name newsloc generates (:data:`RESERVED_SLUGS`: ``index``
        would overwrite the language's index page) and, unless
        ``allow_outside``, when an article is a link to a file outside the
        project (it would be read and sent to an engine).
        """
        if not self.articles_dir.is_dir():
            return []
        paths = []
        with os.scandir(self.articles_dir) as entries:
            for entry in entries:
                if entry.name.startswith(".") or os.path.splitext(entry.name)[1] not in ARTICLE_SUFFIXES:
                    continue
                if not entry.is_file():  # follows a link: a dangling one is no article
                    continue
                path = Path(entry.path)
                if entry.is_symlink() and not self.allow_outside and not is_inside(path, self.root):
                    raise _linked_out(path)
                paths.append(path)
        paths.sort(key=lambda p: (p.stem, p.suffix))
        seen: dict[str, Path] = {}
        for path in paths:
            key = path.stem.casefold()
            if key in seen:
                raise _slug_twin(seen[key], path)
            _refuse_reserved(path)
            seen[key] = path
        return paths

    def orphan_catalogs(self, languages: Iterable[str]) -> list[Path]:
        """Catalogues of *languages* with no article of their slug (renamed, or the article gone).

        Their translations are used by nothing; ``status`` and ``check``
        report them so that a translator's renamed file (``slug-mine.po``)
        is not silently ignored while an empty catalogue takes its place.
        """
        slugs = {p.stem for p in self.article_paths()}
        found = []
        for lang in languages:
            folder = self.locales_dir / lang
            if not folder.is_dir():
                continue
            found += sorted(p for p in folder.glob("*.po")
                            if p.stem not in slugs and not p.name.startswith("."))
        return found

    def find_article(self, name: str | Path) -> Path:
        """Resolve an article given as a path or as a slug."""
        return self.find_articles([name])[0]

    def find_articles(self, names: Iterable[str | Path]) -> list[Path]:
        """Resolve articles given as paths or slugs.

        A slug is looked up by name (``articles/<slug>.txt``, ``.md``,
        ``.html``, ``.htm``), not by listing the folder: naming one article
        of an archive of tens of thousands costs a few ``stat`` calls. The
        rules :meth:`article_paths` applies to every article apply to the
        named one: one file per slug, no generated name, no link out of the
        project. (Two slugs that differ only in case are found by the runs
        that list the folder.)
        """
        found = []
        for name in names:
            candidate = Path(name)
            if candidate.is_file():
                found.append(candidate)
                continue
            found.append(self._article_by_slug(str(name)))
        return found

    def _article_by_slug(self, name: str) -> Path:
        suffix = os.path.splitext(name)[1]
        names = [name] if suffix in ARTICLE_SUFFIXES else [name + s for s in ARTICLE_SUFFIXES]
        hits = []
        if "/" not in name and os.sep not in name and not name.startswith("."):
            hits = [self.articles_dir / n for n in names if (self.articles_dir / n).is_file()]
        if not hits:
            raise ConfigError("no such article (looked for a file and for a slug in "
                              f"{self.articles_dir})", path=name)
        if len(hits) > 1:
            raise _slug_twin(hits[0], hits[1])
        path = hits[0]
        _refuse_reserved(path)
        if path.is_symlink() and not self.allow_outside and not is_inside(path, self.root):
            raise _linked_out(path)
        return path


def _linked_out(path: str | Path) -> ConfigError:
    return ConfigError(f"is a link to a file outside the project ({os.path.realpath(path)}); newsloc "
                       "does not read it (set allow_outside = true in [tool.newsloc] to allow it)", path=path)


def _slug_twin(first: Path, second: Path) -> ConfigError:
    return ConfigError(f"has the slug of {first.name} ({second.stem!r}): both would write the same "
                       "catalogues and editions; rename one", path=second)


def _refuse_reserved(path: Path) -> None:
    """Raise ConfigError when the article's slug is a name newsloc generates (:data:`RESERVED_SLUGS`)."""
    key = path.stem.casefold()
    if key in RESERVED_SLUGS:
        raise ConfigError(f"the slug {path.stem!r} is a name newsloc generates (the "
                          f"{RESERVED_SLUGS[key]}); rename the article", path=path)


def slug_for(path: str | Path) -> str:
    """Return the slug of an article file: its name without the suffix.

    >>> slug_for("articles/coalition-helps-iraq.txt")
    'coalition-helps-iraq'
    """
    return os.path.splitext(os.path.basename(path))[0]  # no Path: archive-scale loops call it per file


def load_project(root: str | Path = ".") -> Project:
    """Read ``<root>/pyproject.toml`` and return the project it describes."""
    root = Path(root).resolve()
    if not root.is_dir():
        raise ConfigError("project root is not a folder", path=root)
    table: dict[str, Any] = {}
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise SettingsError(f"not valid TOML: {exc}", path=pyproject) from exc
        table = data.get("tool", {}).get("newsloc", {}) or {}
    checked = _validate(root, table, pyproject)
    languages = table.get("languages", list(DEFAULT_LANGUAGES))
    if isinstance(languages, str):
        languages = [languages]
    if checked:  # settings that passed before had their codes checked too (babel: 5 ms)
        _check_locales(table, languages, pyproject)
    folders = {key: _folder(root, key, table.get(key, key), pyproject,
                            allow_outside=bool(table.get("allow_outside", False)))
               for key in ("articles", "locales", "editions")}
    settings = {k: v for k, v in table.items() if isinstance(v, dict)}
    if not table.get("allow_outside", False):
        _refuse_linked_catalogs(root, folders["locales"])
    for key in ("locales", "editions"):
        _refuse_outward_subfolders(root, folders[key])
    if checked:
        _remember_checked(root, checked)
    return Project(
        root=root,
        source=str(table.get("source", "en")),
        languages=tuple(languages),
        articles_dir=folders["articles"],
        locales_dir=folders["locales"],
        editions_dir=folders["editions"],
        settings=settings,
        allow_outside=bool(table.get("allow_outside", False)),
    )


#: Where a project remembers the digest of the last settings that passed the schema.
SETTINGS_OK = Path(".newsloc") / "settings.ok"


def _validate(root: Path, table: dict[str, Any], pyproject: Path) -> str | None:
    """Check *table* against :mod:`pipeline.schema`; raise SettingsError naming the key.

    Importing pydantic and building the schema costs about a tenth of a
    second, more than a no-op ``status`` spends on its work; so the digest of
    settings that passed (with the schema's own source and the versions of
    pydantic and babel, which judge them) is kept in ``.newsloc/settings.ok``
    and the same settings are not checked again.
    Derived state: deleting the file costs one check. Returns the digest to
    remember once every other check of the project passed, or None when
    there is nothing new to check: nothing set (the default languages are
    known codes), or these settings passed every check before.
    """
    if not table:
        return None  # nothing set: nothing to check (and nothing written into a bare folder)
    import hashlib
    schema_source = Path(__file__).with_name("schema.py")
    try:
        schema_digest = hashlib.sha256(schema_source.read_bytes()).hexdigest()
    except OSError:
        schema_digest = ""
    text = json.dumps(table, sort_keys=True, default=str, ensure_ascii=False)
    # The libraries that check the settings are part of what passed: after an upgrade of
    # pydantic (the schema) or babel (the locale codes) the same settings are checked again.
    from .versions import library_version
    checkers = "\n".join(f"{dist}={library_version(dist)}" for dist in ("babel", "pydantic"))
    digest = hashlib.sha256(f"{schema_digest}\n{checkers}\n{text}".encode()).hexdigest()
    known = _read_marker(root / SETTINGS_OK)
    if known is not None and known.strip() == digest:
        return None
    from .schema import SettingsInvalid, validate_settings  # pydantic: only when needed
    try:
        validate_settings(table)
    except SettingsInvalid as exc:
        raise SettingsError(str(exc), path=pyproject) from None
    return digest


def _check_locales(table: dict[str, Any], languages: list[str], pyproject: Path) -> None:
    """Raise SettingsError, naming the key, for a locale code of the settings babel does not know."""
    from .locales import parse_locale  # validate codes early, with the file named
    codes = [("[tool.newsloc]", "source", table["source"])] if "source" in table else []
    codes += [("[tool.newsloc]", f"languages[{k}]", code) for k, code in enumerate(languages)]
    codes += [("[tool.newsloc.export]", f"locale.{k}", code)
              for k, code in ((table.get("export") or {}).get("locale") or {}).items()]
    for where, key, code in codes:
        try:
            parse_locale(code)
        except LocaleError as exc:
            raise SettingsError(f"{where} {key}: {exc.message}", path=pyproject) from None


def _remember_checked(root: Path, digest: str) -> None:
    """Record that the settings with *digest* passed every check (see :func:`_validate`)."""
    _write_marker(root / SETTINGS_OK, digest + "\n")


def _read_marker(marker: Path) -> str | None:
    """The text of one of the project's derived markers (``.newsloc/settings.ok``,
    ``links.ok``), or None when there is none to trust (missing, unreadable, a link)."""
    try:
        return None if marker.is_symlink() else marker.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _write_marker(marker: Path, text: str) -> None:
    """Write a derived marker atomically; where it cannot be written (a read-only
    checkout) nothing is remembered, and the next command checks again."""
    from .errors import PipelineError
    from .fsutil import atomic_write
    try:
        atomic_write(marker, text)
    except PipelineError:
        pass


#: Where a project remembers the catalogue folders whose listing had no link (see below).
LINKS_OK = Path(".newsloc") / "links.ok"


def _refuse_linked_catalogs(root: Path, locales: Path) -> None:
    """Raise ConfigError for a catalogue or template that is a link to a file outside *root*.

    Such a file would be read as the desk's translations (and published);
    ``allow_outside = true`` allows it. Links are found from the folder
    listing (no stat per file), so the cost is one listing per language.

    Every command checks, and at 20,000 articles the listings cost 30 ms;
    so a folder whose listing held no link at all is remembered in
    ``.newsloc/links.ok`` with its stat data (device, inode, modification and
    change times) and not listed again while that stat data stays the same.
    This is sound because a link can only enter a folder as a new (or
    renamed) entry, which sets the folder's modification and change times;
    a listing taken within :data:`~pipeline.fsutil.RACY_SECONDS` of the
    folder's last change is not remembered (a change in the same clock tick
    could keep the time). A folder holding links inside the project is
    listed every time (what they lead to may change). Derived state:
    deleting the file costs one listing per folder; where it cannot be
    written (a read-only checkout, no ``.newsloc/`` yet), every command lists.
    """
    if not locales.is_dir():
        return
    with os.scandir(locales) as languages:
        folders = [entry.path for entry in languages if entry.is_dir()]
    marker = root / LINKS_OK
    known = _links_ok(marker)
    clean: dict[str, list[int]] = {}
    for folder in folders:
        listed = time.time()  # before the stat: a mark never claims more than the listing saw
        st = os.stat(folder)
        stamp = [st.st_dev, st.st_ino, st.st_mtime_ns, st.st_ctime_ns]
        if known.get(folder) == stamp:
            clean[folder] = stamp
            continue
        links = False
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_symlink() and entry.name.endswith((".po", ".pot")):
                    if not is_inside(entry.path, root):
                        raise _linked_out(entry.path)
                    links = True
        from .fsutil import RACY_SECONDS
        if not links and listed - max(st.st_mtime, st.st_ctime) > RACY_SECONDS:
            clean[folder] = stamp
    if clean != known and marker.parent.is_dir():
        _write_marker(marker, json.dumps(clean, sort_keys=True) + "\n")


def _links_ok(marker: Path) -> dict[str, list[int]]:
    """The folders recorded in *marker* as holding no link, with their stat data ({} if none can be trusted)."""
    text = _read_marker(marker)
    try:
        known = json.loads(text) if text is not None else {}
    except ValueError:
        return {}
    return known if isinstance(known, dict) else {}


def _refuse_outward_subfolders(root: Path, folder: Path) -> None:
    """Raise ConfigError for a folder of *folder* (``locales/ar``, ``editions/ckb``) that is a link out of *root*.

    newsloc writes catalogues and editions into these folders; a link would
    send those writes outside the project, so it is refused whatever
    ``allow_outside`` says (that setting is for reading only).
    """
    if not folder.is_dir():
        return
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_symlink() and entry.is_dir() and not is_inside(entry.path, root):
                raise ConfigError("is a link to a folder outside the project "
                                  f"({os.path.realpath(entry.path)}); newsloc writes there and "
                                  "never writes through a link (replace it by the folder itself)",
                                  path=entry.path)


def _folder(root: Path, key: str, value: str, pyproject: Path, *, allow_outside: bool) -> Path:
    """Return the project folder *value*; raise SettingsError if it leads outside *root*."""
    folder = root / value  # an absolute value replaces root: checked below
    if not is_inside(folder, root, resolve=False):
        raise SettingsError(f"[tool.newsloc] {key}: {value!r} is outside the project; "
                            "folders must stay inside it", path=pyproject)
    if not allow_outside and not is_inside(folder, root):
        raise SettingsError(f"[tool.newsloc] {key}: {value!r} is a link leading outside the "
                            "project (set allow_outside = true to allow it)", path=pyproject)
    return folder


def is_inside(path: str | Path, root: str | Path, *, resolve: bool = True) -> bool:
    """True if *path* is *root* or below it (following symbolic links when *resolve*).

    >>> is_inside("/desk/locales/ar", "/desk", resolve=False)
    True
    >>> is_inside("/desk/../etc", "/desk", resolve=False)
    False
    """
    if resolve:
        path, root = os.path.realpath(path), os.path.realpath(root)
    else:
        path, root = os.path.normpath(path), os.path.normpath(root)
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)

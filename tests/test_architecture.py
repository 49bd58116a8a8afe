"""The package's shape: imports flow down the stages, and no module imports another's private names.

The stages, in the order data flows (a module may import its own stage and
the stages above it, never one below):

    errors, textpatterns, redact → config, locales, fsutil, parallel → lock, state
    → article, sbd → segment → catalog → extract → translate → checks
    → status → export → build → cli
"""

from __future__ import annotations

import ast
from pathlib import Path

import pipeline

PACKAGE = Path(pipeline.__file__).parent

LAYERS = [
    {"errors", "textpatterns", "redact", "versions", "__init__"},
    {"config", "schema", "locales", "fsutil", "parallel"},
    {"lock", "state"},
    {"article", "sbd"},
    {"segment"},
    {"catalog"},
    {"extract"},
    {"translate"},
    {"checks"},
    {"status"},
    {"export"},
    {"build"},
    {"cli", "__main__"},
]


def _layer(top: str) -> int:
    for k, names in enumerate(LAYERS):
        if top in names:
            return k
    raise AssertionError(f"pipeline.{top} is in no layer of tests/test_architecture.py: place it")


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).with_suffix("")
        yield path, list(rel.parts)


def _imports(path: Path, parts: list[str]):
    """Yield (absolute module under pipeline, imported names) for every import of *path*."""
    package = parts[:-1] if parts[-1] != "__init__" else parts[:-1]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - (node.level - 1)] if node.level > 1 else package
                target = base + (node.module.split(".") if node.module else [])
            elif node.module and node.module.split(".")[0] == "pipeline":
                target = node.module.split(".")[1:]
            else:
                continue
            yield target, [a.name for a in node.names], node.lineno
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "pipeline":
                    yield alias.name.split(".")[1:], [], node.lineno


def test_imports_flow_down_the_stages():
    wrong = []
    for path, parts in _modules():
        own = _layer(parts[0] if len(parts) > 1 else parts[0])
        for target, names, line in _imports(path, parts):
            tops = [target[0]] if target else [n for n in names]  # "from . import x" at the top
            for top in tops:
                if top == "__version__":
                    continue
                if _layer(top) > own:
                    wrong.append(f"pipeline/{'/'.join(parts)}.py:{line} imports pipeline.{top} (a later stage)")
    assert not wrong, "\n".join(wrong)


def test_no_module_imports_a_private_name_of_another():
    wrong = []
    for path, parts in _modules():
        for target, names, line in _imports(path, parts):
            for name in names:
                if name.startswith("_") and not name.startswith("__"):
                    wrong.append(f"pipeline/{'/'.join(parts)}.py:{line} imports {name} from pipeline.{'.'.join(target)}")
    assert not wrong, "\n".join(wrong)


def test_each_third_party_library_is_wrapped_in_one_place():
    owners = {"polib": {"catalog"}, "pysbd": {"sbd"}, "deep_translator": {"translate/engines/deep.py"},
              "openai": {"translate/engines/llm.py"},
              "jinja2": {"export/render.py"}, "babel": {"locales.py"}, "yaml": {"article/frontmatter.py"},
              "psycopg": {"state/postgres.py"}, "pydantic": {"schema.py"}, "sqlite3": {"state/db.py", "state/store.py"},
              "regex": {"catalog/linebreak.py"}}
    wrong = []
    for path, parts in _modules():
        rel = "/".join(parts) + ".py"
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            mods = []
            if isinstance(node, ast.Import):
                mods = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                mods = [node.module.split(".")[0]]
            for mod in mods:
                allowed = owners.get(mod)
                if allowed and not any(rel == a or rel.startswith(a + "/") or rel == a + ".py" for a in allowed):
                    wrong.append(f"{rel}:{node.lineno} imports {mod} (wrapped in {sorted(allowed)})")
    assert not wrong, "\n".join(wrong)

"""Editions: each article reassembled in each language, as HTML, Markdown and text.

``settings`` the export settings and publication policy; ``model`` the edition
(segments replaced by translations, readiness); ``bidi`` isolation and
escaping; ``render`` Jinja2 rendering (``templates/``); ``words`` the
edition's fixed words; ``run`` the incremental, batched export run.
"""

from __future__ import annotations

from .model import Edition, Readiness, assemble_edition, assess, join_sentences
from .render import IndexEntry, render_edition, render_index, render_proof
from .run import ExportReport, Outcome, export_editions
from .settings import FORMATS, ExportSettings, Policy, export_settings

__all__ = ["FORMATS", "Edition", "ExportReport", "ExportSettings", "IndexEntry", "Outcome", "Policy",
           "Readiness", "assemble_edition", "assess", "export_editions", "export_settings", "join_sentences",
           "render_edition", "render_index", "render_proof"]

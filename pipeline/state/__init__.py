"""Derived state under ``.newsloc/``: what each stage recorded, so a run does only what changed.

Everything here can be deleted: it costs one rebuild, never a translation.
"""

"""Derived state: ``.newsloc/state.sqlite`` (what each stage recorded, the MT cache, the
translation memory index), or a shared PostgreSQL database for the memory and the cache.

Everything here can be deleted: it costs one rebuild, never a translation.
See :mod:`pipeline.state.store`.
"""

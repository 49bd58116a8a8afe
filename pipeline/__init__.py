"""newsloc: a translation and localisation pipeline for a news desk.

Data flows one way: article → segments → catalogues → machine translation →
checks → editions. The CLI (:mod:`pipeline.cli`) is a thin layer over these
modules; the core never prints or exits.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]

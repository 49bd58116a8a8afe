"""newsloc test suite."""

"""``python -m pipeline``: the same as the ``newsloc`` command."""

from .cli import main

if __name__ == "__main__":
    main()

"""The supervisor executable of a PyInstaller bundle (named apart from the package it runs)."""

import sys

from supervisor.__main__ import main

if __name__ == "__main__":
    sys.exit(main())

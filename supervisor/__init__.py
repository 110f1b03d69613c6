"""Callboard supervisor: the wallboard over the shared store.

This package imports nothing heavy at import time: the softphone imports
its store API, and must not pull in Qt or pyqtgraph by doing so.
"""

__version__ = "0.1.0"

"""Qt widgets and adapters: the only part of the softphone that imports PySide6."""

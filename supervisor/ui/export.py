"""CSV export of what the wallboard shows: the tiles, and the agent grid in its shown order.

`choose_export_path` is the one seam for the file dialog: tests patch it.
The tiles go to the chosen file; the agent grid beside it, `NAME_agents.csv`.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QWidget


def choose_export_path(parent: QWidget | None, suggested: Path) -> Path | None:
    """Ask where to save the CSV (the one seam tests patch); None if cancelled."""
    name, _ = QFileDialog.getSaveFileName(
        parent,
        QCoreApplication.translate("export", "Export the wallboard as CSV"),
        str(suggested),
        QCoreApplication.translate("export", "CSV files (*.csv)"),
    )
    return Path(name) if name else None


def agents_path(path: Path) -> Path:
    """Where the agent grid goes, beside the tiles' file."""
    return path.with_name(f"{path.stem}_agents.csv")


def write_csv(
    path: Path,
    header: Sequence[str],
    tiles: Sequence[Sequence[object]],
    agent_header: Sequence[str],
    agents: Sequence[Sequence[object]],
) -> tuple[Path, Path]:
    """Write the tiles to `path` and the agents beside it; return both paths."""
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        writer.writerows(tiles)
    grid = agents_path(path)
    with grid.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(agent_header)
        writer.writerows(agents)
    return path, grid

"""The supervisor's wallboard window: tiles, charts and the agent grid (PySide6, pyqtgraph).

The only supervisor package that imports Qt. The figures come from
`supervisor.metrics.series.compute_wallboard`, run in a worker thread.
"""

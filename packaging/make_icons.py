"""Render the programs' SVG icons to the PNG, ICO and ICNS files installers need.

    python packaging/make_icons.py OUT_DIR

writes, for each program (`softphone`, `supervisor`), `OUT_DIR/<program>-<size>.png`
at the sizes desktops ask for, `OUT_DIR/<program>.ico` (Windows) and
`OUT_DIR/<program>.icns` (macOS). ICO and ICNS files both hold PNG images
as they are, so no imaging library beyond Qt's SVG renderer is needed.
Runs headless: Qt's offscreen platform is used unless another is set.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = {
    "softphone": ROOT / "resources" / "icons" / "softphone.svg",
    "supervisor": ROOT / "packaging" / "icons" / "supervisor.svg",
}
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# ICNS element types that hold a PNG of the given width.
ICNS_TYPES = ((b"icp4", 16), (b"icp5", 32), (b"ic07", 128), (b"ic08", 256), (b"ic09", 512))


def render_png(svg: Path, size: int) -> bytes:
    """The SVG drawn on a transparent `size` x `size` square, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice  # noqa: PLC0415
    from PySide6.QtGui import QImage, QPainter  # noqa: PLC0415
    from PySide6.QtSvg import QSvgRenderer  # noqa: PLC0415

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg}: not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def ico(pngs: dict[int, bytes]) -> bytes:
    """A Windows icon file holding the PNGs (the format Windows Vista and later read)."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    directory, images = b"", b""
    offset = len(header) + 16 * len(pngs)
    for size, png in sorted(pngs.items()):
        side = 0 if size >= 256 else size  # 0 means 256 in an ICO directory entry
        directory += struct.pack(
            "<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset + len(images)
        )
        images += png
    return header + directory + images


def icns(pngs: dict[bytes, bytes]) -> bytes:
    """A macOS icon file holding the PNGs, keyed by ICNS element type."""
    body = b"".join(kind + struct.pack(">I", 8 + len(png)) + png for kind, png in pngs.items())
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main(out_dir: Path) -> None:
    """Write every icon file of both programs into `out_dir`."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication  # noqa: PLC0415

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    out_dir.mkdir(parents=True, exist_ok=True)
    for program, svg in SOURCES.items():
        pngs = {size: render_png(svg, size) for size in sorted({*PNG_SIZES, *ICO_SIZES})}
        for size in PNG_SIZES:
            (out_dir / f"{program}-{size}.png").write_bytes(pngs[size])
        (out_dir / f"{program}.ico").write_bytes(ico({s: pngs[s] for s in ICO_SIZES}))
        icns_pngs = {kind: pngs.get(size) or render_png(svg, size) for kind, size in ICNS_TYPES}
        (out_dir / f"{program}.icns").write_bytes(icns(icns_pngs))
    del app
    print(f"icons written to {out_dir}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(Path(sys.argv[1]))

"""One policy figure as an SVG bar chart (pygal), small counts drawn as "<5", never as a bar.

A suppressed count has no bar (its height would reveal it) and is labelled "<5"; the chart
carries no script at all (pygal's loader and its config script are dropped), so it works with no
internet access and under a strict Content-Security-Policy.
"""

from __future__ import annotations

import sys
from typing import Any

import pygal  # type: ignore[import-untyped]
from pygal.etree import etree  # type: ignore[import-untyped]
from pygal.style import DefaultStyle  # type: ignore[import-untyped]

from domain.figures_rules import SUPPRESSED

# pygal 3.1.3 appends to `sys.meta_path` a finder for its map plugins (unused here) that has
# only the legacy `find_module`: every later import then raises an ImportWarning. Drop it.
sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "PluginImportFixer"]


# pygal's default, with a "no data" that does not shout over an empty chart.
STYLE = DefaultStyle(no_data_font_size=22)


def figure_svg(name: str, value: Any, *, width: int = 800, height: int = 600) -> bytes:
    """The chart of one figure: a count, a median (None: not shown) or counts by category;
    drawn at `width` × `height` (a smaller drawing scaled up reads larger on a page)."""
    items = value if isinstance(value, dict) else {name: value}
    chart = pygal.Bar(js=[], show_legend=False, title=name.replace("_", " "),
                      print_values=True, x_label_rotation=20, no_data_text="no data",
                      width=width, height=height, style=STYLE)
    chart.x_labels = [_label(key, n) for key, n in items.items()]
    chart.add(name, [_bar(n) for n in items.values()])
    root = chart.render_tree()
    for parent in list(root.iter()):
        for child in list(parent):
            if str(child.tag).endswith("script"):
                parent.remove(child)
    svg: bytes = etree.tostring(root, xml_declaration=True, encoding="utf-8")
    return svg


def _label(key: str, n: Any) -> str:
    if n is None:
        return f"{key}: not shown"
    return f"{key}: {SUPPRESSED}" if n == SUPPRESSED else str(key)


def _bar(n: Any) -> Any:
    return None if n is None or n == SUPPRESSED else n

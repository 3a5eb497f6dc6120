"""Charts of a report as PNG bytes: the class distribution of a level, the average of each
main index, and one unit's profile. Drawn with matplotlib's Agg canvas (no pyplot, no
display, no global figure state), in Liberation Sans loaded by file path.

The font is given by path, never by family name: Debian's old `fonts-liberation` package
has the same family names but lacks Ơ, Ư, Ạ… and matplotlib could pick it. The files of
`fonts-liberation2` cover every Vietnamese letter (docs/reports.md, "Fonts").
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from dti.reports.model import ClassCount, IndexSummary, UnitProfile
from dti.reports.numbers import percent_text

if TYPE_CHECKING:  # matplotlib is imported when a chart is drawn: a process that never draws
    # one (a portal's web worker) does not carry its 50 MB (docs/performance-load.md)
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

FONT_DIR = Path("/usr/share/fonts/truetype/liberation2")
REGULAR = FONT_DIR / "LiberationSans-Regular.ttf"
BOLD = FONT_DIR / "LiberationSans-Bold.ttf"
DPI = 200
WIDTH_CM = 16.0
_CM = 1 / 2.54
_COLORS = ("#1b7837", "#5aae61", "#f1a340", "#d73027", "#762a83", "#878787")
_BAR = "#2166ac"
_RC = {"text.parse_math": False, "svg.fonttype": "none", "axes.unicode_minus": False}


class ChartError(RuntimeError):
    """The chart font is missing: the message says which package installs it."""


def _font(size: float, *, bold: bool = False) -> FontProperties:
    from matplotlib.font_manager import FontProperties

    path = BOLD if bold else REGULAR
    if not path.is_file():
        raise ChartError(
            f"Không tìm thấy phông chữ {path} để vẽ biểu đồ tiếng Việt: cài gói Debian "
            "fonts-liberation2 (`make test` cài gói này)."
        )
    return FontProperties(fname=str(path), size=size)


def _figure(height_cm: float) -> tuple[Figure, Axes]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_CM * _CM, height_cm * _CM), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure, figure.add_subplot()


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _fonts(axes: Axes, title: str) -> None:
    """Every text of the axes in the Vietnamese font, ticks included."""
    axes.set_title(textwrap.fill(title, 80), fontproperties=_font(10, bold=True))
    for label in [*axes.get_xticklabels(), *axes.get_yticklabels()]:
        label.set_fontproperties(_font(8))
    for text in axes.texts:
        text.set_fontproperties(_font(8))
    axes.spines[["top", "right"]].set_visible(False)


def class_distribution(classes: Sequence[ClassCount], title: str) -> bytes:
    import matplotlib
    from matplotlib.ticker import MaxNLocator

    """Bars: units per class, every band of the classification shown (zero included)."""
    with matplotlib.rc_context(_RC):
        figure, axes = _figure(7)
        labels = [item.label for item in classes]
        counts = [item.count for item in classes]
        colors = [_COLORS[i % len(_COLORS)] for i in range(len(classes))]
        bars = axes.bar(range(len(classes)), counts, color=colors, width=0.6)
        axes.set_xticks(range(len(classes)), labels=labels)
        axes.set_ylim(0, max([*counts, 1]) * 1.2)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        for bar, item in zip(bars, classes, strict=True):
            text = f"{item.count} ({percent_text(item.share, trim=True)})"
            place = (bar.get_x() + bar.get_width() / 2, bar.get_height())
            axes.annotate(
                text, place, ha="center", va="bottom", xytext=(0, 2), textcoords="offset points"
            )
        axes.set_ylabel("Số đơn vị", fontproperties=_font(8))
        _fonts(axes, title)
        return _png(figure)


def _percent_bars(
    names: Sequence[str], values: Sequence[Decimal], title: str, marks: Sequence[Decimal] = ()
) -> bytes:
    """Horizontal bars of percents (first name on top), each labelled '91,7%'."""
    import matplotlib

    with matplotlib.rc_context(_RC):
        figure, axes = _figure(max(5.0, 1.0 + 0.75 * len(names)))
        positions = list(range(len(names)))[::-1]
        bars = axes.barh(positions, [float(v) for v in values], color=_BAR, height=0.6)
        if marks:
            axes.scatter(
                [float(m) for m in marks],
                positions,
                marker="|",
                s=220,
                color="#d73027",
                zorder=3,
                label="Bình quân của khối",
            )
            axes.legend(
                prop=_font(8), loc="upper center", bbox_to_anchor=(0.5, -0.08), frameon=False
            )
        axes.set_yticks(positions, labels=list(names))
        axes.set_xlim(0, 112)
        axes.set_xticks(range(0, 101, 20), labels=[f"{x}%" for x in range(0, 101, 20)])
        for bar, value in zip(bars, values, strict=True):
            axes.annotate(
                percent_text(value, trim=True),
                (bar.get_width(), bar.get_y() + 0.3),
                va="center",
                xytext=(3, 0),
                textcoords="offset points",
            )
        _fonts(axes, title)
        return _png(figure)


def index_averages(indices: Sequence[IndexSummary], title: str) -> bytes:
    """Each main index's average score as a percent of its applicable max."""
    return _percent_bars([i.name for i in indices], [i.average_percent for i in indices], title)


def unit_profile(
    profile: UnitProfile, indices: Sequence[IndexSummary] = (), title: str = ""
) -> bytes:
    """One unit's percent of max on each main index, with the level's average marked."""
    averages = {index.name: index.average_percent for index in indices}
    names = [name for name, _ in profile.indices]
    marks = [averages[name] for name in names] if averages else []
    values = [value for _, value in profile.indices]
    return _percent_bars(names, values, title or f"{profile.name} (hạng {profile.rank})", marks)

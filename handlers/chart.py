"""The digest chart: 12 weeks of team mood next to customer quality, with participation underneath.

Made for chat: 600×400 px, Okabe–Ito colours that stay distinct for colour-blind readers, lines that
also differ by style and marker, and alt text that says what the chart shows. matplotlib is imported
lazily (it is slow to import) and drawn on a bare Figure with the Agg canvas, so no GUI and no global
pyplot state is involved.
"""
from __future__ import annotations

import io
from functools import lru_cache
from typing import Any

WIDTH_PX, HEIGHT_PX, DPI = 600, 400, 100
MOOD_COLOUR = "#0072B2"  # Okabe–Ito blue
QUALITY_COLOUR = "#D55E00"  # Okabe–Ito vermillion
PARTICIPATION_COLOUR = "#009E73"  # Okabe–Ito bluish green
GRID_COLOUR = "#DDDDDD"


@lru_cache(maxsize=1)
def _matplotlib() -> Any:
    """Import matplotlib once, on the Agg backend, with readable defaults; the font lookup is cached."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager

    font_manager.findfont("DejaVu Sans")  # warm the font cache once per process
    matplotlib.rcParams.update({"font.family": "DejaVu Sans", "font.size": 10, "axes.titlesize": 11,
                                "axes.spines.top": False, "savefig.dpi": DPI})
    return matplotlib


def _series(values: list[float | None]) -> list[float]:
    return [float("nan") if v is None else v for v in values]


def alt_text(report: Any) -> str:
    """What the chart shows, in words, for screen readers and for platforms that drop images."""
    points = list(report.history)
    if not points:
        return f"Chart of {report.team}: no weekly figures yet."
    moods = [p.mood for p in points if p.mood is not None]
    qualities = [p.quality for p in points if p.quality is not None]
    parts = [f"Chart of {report.team}, {len(points)} weeks from {points[0].iso_week} to {points[-1].iso_week}."]
    if moods:
        latest = points[-1].mood
        parts.append(f"Team mood (1 to 5) ranged from {min(moods):.1f} to {max(moods):.1f}"
                     + (f", {latest:.1f} in the last week." if latest is not None else "; the last week is not shown."))
    else:
        parts.append("No week had enough respondents to show mood.")
    if qualities:
        latest_q = points[-1].quality
        parts.append(f"Customer quality (0 to 100) ranged from {min(qualities):.0f} to {max(qualities):.0f}"
                     + (f", {latest_q:.0f} in the last week." if latest_q is not None
                        else "; the last week is not shown."))
    else:
        parts.append("No week had enough customer moments from enough people to show quality.")
    latest_p = points[-1].participation
    if latest_p is not None:
        parts.append(f"Participation in the last week: {latest_p * 100:.0f}%.")
    hidden = sum(1 for p in points if p.mood is None)
    if hidden:
        parts.append(f"{hidden} {'week' if hidden == 1 else 'weeks'} without a mood figure (too few answers or "
                     f"withheld for privacy) {'is' if hidden == 1 else 'are'} left as gaps.")
    return " ".join(parts)


def render_chart(report: Any) -> tuple[bytes, str]:
    """PNG bytes (600×400) and alt text for a TeamDigest."""
    matplotlib = _matplotlib()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    points = list(report.history)
    labels = [p.iso_week[-3:] for p in points]
    x = list(range(len(points)))
    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    grid = figure.add_gridspec(2, 1, height_ratios=(3, 1.2), hspace=0.15, left=0.11, right=0.89, top=0.86,
                               bottom=0.1)
    top = figure.add_subplot(grid[0])
    bottom = figure.add_subplot(grid[1], sharex=top)
    figure.suptitle(f"{report.team} — last {len(points)} weeks to {report.iso_week}", fontsize=12, x=0.11,
                    ha="left")
    top.plot(x, _series([p.mood for p in points]), color=MOOD_COLOUR, marker="o", linewidth=2.2, label="Mood (1–5)")
    top.set_ylim(1, 5)
    top.set_ylabel("Mood (1–5)", color=MOOD_COLOUR)
    top.tick_params(axis="y", colors=MOOD_COLOUR)
    top.grid(axis="y", color=GRID_COLOUR, linewidth=0.8)
    quality_axis = top.twinx()
    quality_axis.plot(x, _series([p.quality for p in points]), color=QUALITY_COLOUR, marker="s", linestyle="--",
                      linewidth=2.2, label="Customer quality (0–100)")
    quality_axis.set_ylim(0, 100)
    quality_axis.set_ylabel("Customer quality", color=QUALITY_COLOUR)
    quality_axis.tick_params(axis="y", colors=QUALITY_COLOUR)
    quality_axis.spines["top"].set_visible(False)
    handles = top.get_lines() + quality_axis.get_lines()
    top.legend(handles, [h.get_label() for h in handles], loc="upper center", bbox_to_anchor=(0.5, 1.17), ncol=2,
               frameon=False, fontsize=9)
    top.tick_params(axis="x", labelbottom=False)
    participation = [p.participation for p in points]
    bottom.bar(x, [0 if v is None else v * 100 for v in participation], color=PARTICIPATION_COLOUR, width=0.6)
    bottom.set_ylim(0, 100)
    bottom.set_ylabel("Answered %", fontsize=9)
    bottom.set_yticks([0, 50, 100])
    bottom.grid(axis="y", color=GRID_COLOUR, linewidth=0.8)
    bottom.set_xticks(x)
    bottom.set_xticklabels(labels, fontsize=8)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, pil_kwargs={"compress_level": 3}, metadata={"Title": f"Tandem digest {report.team}",
                                                            "Description": alt_text(report)[:500]})
    return buffer.getvalue(), alt_text(report)

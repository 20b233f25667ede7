"""The digest chart: 12 weeks of team mood next to customer quality and CSAT, with participation underneath.

Made for chat: 600×400 px, Okabe–Ito colours that stay distinct for colour-blind readers, lines that
also differ by style and marker, and alt text that says what the chart shows. matplotlib is imported
lazily (it is slow to import) and drawn on a bare Figure with the Agg canvas, so no GUI and no global
pyplot state is involved. Each thread keeps one such figure and redraws only what a report changes
(`_ChartCanvas`): the weekly digest draws hundreds of charts.
"""
from __future__ import annotations

import io
import threading
from functools import lru_cache
from typing import Any

WIDTH_PX, HEIGHT_PX, DPI = 600, 400, 100
MOOD_COLOUR = "#0072B2"  # Okabe–Ito blue
QUALITY_COLOUR = "#D55E00"  # Okabe–Ito vermillion
PARTICIPATION_COLOUR = "#009E73"  # Okabe–Ito bluish green
CSAT_COLOUR = "#CC79A7"  # Okabe–Ito reddish purple
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
    csats = [p.csat for p in points if p.csat is not None]
    if csats:
        latest_c = points[-1].csat
        parts.append(f"CSAT (% of satisfied customer ratings) ranged from {min(csats):.0f} to {max(csats):.0f}"
                     + (f", {latest_c:.0f} in the last week." if latest_c is not None
                        else "; the last week is not shown."))
    latest_p = points[-1].participation
    if latest_p is not None:
        parts.append(f"Participation in the last week: {latest_p * 100:.0f}%.")
    hidden = sum(1 for p in points if p.mood is None)
    if hidden:
        parts.append(f"{hidden} {'week' if hidden == 1 else 'weeks'} without a mood figure (too few answers or "
                     f"withheld for privacy) {'is' if hidden == 1 else 'are'} left as gaps.")
    return " ".join(parts)


class _ChartCanvas:
    """The chart's figure, built once per thread, with the part no report changes kept as pixels.

    Building the figure and drawing its axes, ticks and legend cost most of a chart, and a weekly digest
    draws hundreds of charts of the same weeks. So a report only sets its data and title: the axes are
    drawn once per number of weeks (it fixes the x range and ticks), the week labels once per run of weeks,
    and each chart restores those pixels and draws its data over them in the order a full draw would, so
    the PNG is pixel for pixel what a fresh figure gives. matplotlib artists are not thread-safe, so each
    thread has its own canvas (`_canvas`).
    """

    def __init__(self) -> None:
        _matplotlib()
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
        self.canvas = FigureCanvasAgg(figure)  # also figure.canvas; kept here with its Agg type
        grid = figure.add_gridspec(2, 1, height_ratios=(3, 1.2), hspace=0.15, left=0.11, right=0.89, top=0.86,
                                   bottom=0.1)
        top = figure.add_subplot(grid[0])
        bottom = figure.add_subplot(grid[1], sharex=top)
        self.title = figure.suptitle("", fontsize=12, x=0.11, ha="left")
        (self.mood,) = top.plot([], [], color=MOOD_COLOUR, marker="o", linewidth=2.2, label="Mood (1–5)")
        top.set_ylim(1, 5)
        top.set_ylabel("Mood (1–5)", color=MOOD_COLOUR)
        top.tick_params(axis="y", colors=MOOD_COLOUR)
        top.grid(axis="y", color=GRID_COLOUR, linewidth=0.8)
        quality_axis = top.twinx()
        (self.quality,) = quality_axis.plot([], [], color=QUALITY_COLOUR, marker="s", linestyle="--",
                                            linewidth=2.2, label="Customer quality (0–100)")
        (self.csat,) = quality_axis.plot([], [], color=CSAT_COLOUR, marker="^", linestyle=":", linewidth=2.2,
                                         label="CSAT (% satisfied)")
        quality_axis.set_ylim(0, 100)
        quality_axis.set_ylabel("Customer quality · CSAT", color=QUALITY_COLOUR)
        quality_axis.tick_params(axis="y", colors=QUALITY_COLOUR)
        quality_axis.spines["top"].set_visible(False)
        handles = [self.mood, self.quality, self.csat]
        top.legend(handles, [str(h.get_label()) for h in handles], loc="upper center", bbox_to_anchor=(0.5, 1.17),
                   ncol=3, frameon=False, fontsize=9)
        top.tick_params(axis="x", labelbottom=False)
        bottom.set_ylim(0, 100)
        bottom.set_ylabel("Answered %", fontsize=9)
        bottom.set_yticks([0, 50, 100])
        bottom.grid(axis="y", color=GRID_COLOUR, linewidth=0.8)
        self.figure, self.axes, self.bottom = figure, (top, quality_axis, bottom), bottom
        self.bars: Any = bottom.bar([], [], color=PARTICIPATION_COLOUR, width=0.6)
        self.over_mood, self.over_quality, self.over_bars = self._over_data()
        self.axes_pixels: Any = None  # everything but data, title and week labels, for `self.count` weeks
        self.count = -1
        self.background: Any = None  # the same with the week labels of `self.weeks`
        self.weeks: tuple[str, ...] | None = None

    def _over_data(self) -> tuple[list[Any], list[Any], list[Any]]:
        """Unchanging artists that a full draw puts over the mood line, the quality line and the bars.

        Lines end short of the side spines, so only the bottom spines can overlap them, and the quality
        axis' zero tick and right spine overlap the mood axes' bottom spine in a corner; the bars lie under
        the answered-% gridlines and so under every spine of their axes drawn after those.
        """
        top, quality_axis, bottom = self.axes
        zero = quality_axis.yaxis.get_major_ticks()[0]  # ticks ascend from the axis' lower limit, 0
        return ([top.spines["bottom"]],
                [zero.tick2line, quality_axis.spines["right"], quality_axis.spines["bottom"]],
                [*(t.gridline for t in bottom.yaxis.get_major_ticks()),
                 *(s for s in bottom.spines.values() if s.get_visible())])

    def _draw_axes(self, x: list[int]) -> None:
        """Lay out the x axis for this many weeks as a fresh figure would, and draw all but the data."""
        self.bars.remove()
        self.bars = self.bottom.bar(x, [0] * len(x), color=PARTICIPATION_COLOUR, width=0.6)
        for axes in self.axes:  # the lines already hold this report's data
            axes.relim()
            axes.autoscale_view()
        self.bottom.set_xticks(x)
        self.bottom.set_xticklabels([""] * len(x), fontsize=8)
        hidden = [self.mood, self.quality, self.csat, self.title, *self.bars, *self.over_mood, *self.over_quality,
                  *self.over_bars]
        shown = [artist.get_visible() for artist in hidden]
        try:
            for artist in hidden:
                artist.set_visible(False)
            self.canvas.draw()
        finally:
            for artist, visible in zip(hidden, shown):
                artist.set_visible(visible)
        self.axes_pixels = self.canvas.copy_from_bbox(self.figure.bbox)
        self.count, self.weeks = len(x), None

    def _draw_weeks(self, weeks: tuple[str, ...]) -> None:
        """Add the week labels: they sit below the axes, clear of the data, so they can be background."""
        canvas = self.canvas
        canvas.restore_region(self.axes_pixels)
        self.bottom.set_xticklabels(weeks, fontsize=8)
        renderer = canvas.get_renderer()
        for tick in self.bottom.xaxis.get_major_ticks(len(weeks)):
            tick.label1.draw(renderer)
        self.background = canvas.copy_from_bbox(self.figure.bbox)
        self.weeks = weeks

    def render(self, report: Any, alt: str) -> bytes:
        """The PNG of `report`: the background for its weeks, then its data in a full draw's order."""
        points = list(report.history)
        x = list(range(len(points)))
        self.mood.set_data(x, _series([p.mood for p in points]))
        self.quality.set_data(x, _series([p.quality for p in points]))
        self.csat.set_data(x, _series([p.csat for p in points]))
        if len(points) != self.count:
            self._draw_axes(x)
        weeks = tuple(p.iso_week[-3:] for p in points)
        if weeks != self.weeks:
            self._draw_weeks(weeks)
        for bar, point in zip(self.bars, points):
            bar.set_height(0 if point.participation is None else point.participation * 100)
        self.title.set_text(f"{report.team} — last {len(points)} weeks to {report.iso_week}")
        canvas = self.canvas
        canvas.restore_region(self.background)
        renderer = canvas.get_renderer()
        for artist in (self.mood, *self.over_mood, self.quality, self.csat, *self.over_quality, *self.bars,
                       *self.over_bars, self.title):
            artist.draw(renderer)
        return _png(canvas.buffer_rgba(), report, alt)


def _png(rgba: Any, report: Any, alt: str) -> bytes:
    """Encode the canvas' pixels the way savefig does (Agg's print_png calls this same imsave)."""
    from matplotlib.image import imsave

    buffer = io.BytesIO()
    imsave(buffer, rgba, format="png", dpi=DPI, pil_kwargs={"compress_level": 3},
           metadata={"Title": f"Tandem digest {report.team}", "Description": alt[:500]})
    return buffer.getvalue()


@lru_cache(maxsize=1)
def _threads() -> threading.local:
    """Where each thread keeps its canvas; made on first use, as nothing is built at import time."""
    return threading.local()


def _canvas() -> _ChartCanvas:
    """This thread's canvas, built on first use."""
    local = _threads()
    canvas = getattr(local, "canvas", None)
    if canvas is None:
        canvas = local.canvas = _ChartCanvas()
    return canvas


def render_chart(report: Any) -> tuple[bytes, str]:
    """PNG bytes (600×400) and alt text for a TeamDigest."""
    alt = alt_text(report)
    return _canvas().render(report, alt), alt

"""The chart's per-thread canvas is reused between reports: no report may leave a trace on the next one."""
from __future__ import annotations

import io
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import numpy as np
import pytest
from PIL import Image

from handlers.insights import chart
from handlers.insights.build import digest_message
from handlers.insights.chart import render_chart
from handlers.insights.report import MomentFigures, TeamDigest, WeekPoint
from handlers.messages import DigestMessage


def _report(team: str, points: tuple[WeekPoint, ...], iso_week: str = "2026-W47") -> TeamDigest:
    return TeamDigest(team=team, iso_week=iso_week, week_start=date(2026, 11, 16), week_end=date(2026, 11, 22),
                      members=6, respondents=5, participation=0.833, min_group=5, mood=None,
                      moments=MomentFigures(0, None, None, None), history=points)


def _weeks(first: int, count: int, mood: float, quality: float, answered: float | None) -> tuple[WeekPoint, ...]:
    return tuple(WeekPoint(f"2026-W{first + i:02d}", None if i == 2 else mood + i / 10, quality - i, answered)
                 for i in range(count))


LONG = _report("Support", _weeks(36, 12, 3.0, 60.0, 0.8))
OTHER = _report("Sales", _weeks(36, 12, 1.5, 90.0, 0.4))  # same weeks, other data and title
SHORT = _report("Ops", _weeks(45, 3, 4.0, 20.0, None))
EMPTY = _report("New team", ())


def _fresh(report: TeamDigest) -> tuple[bytes, str]:
    """The chart as a thread that never drew one renders it: a canvas built for this report alone."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(render_chart, report).result()


def _pixels(png: bytes) -> np.ndarray:
    image = Image.open(io.BytesIO(png))
    assert image.size == (600, 400)
    return np.asarray(image.convert("RGBA"))


def _in_one_thread(*reports: TeamDigest) -> list[tuple[bytes, str]]:
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: [render_chart(r) for r in reports]).result()


def test_a_second_report_on_the_same_thread_shows_only_its_own_data() -> None:
    (first_png, first_alt), (second_png, second_alt) = _in_one_thread(LONG, OTHER)
    assert first_alt.startswith("Chart of Support") and second_alt.startswith("Chart of Sales")
    assert "from 1.5 to 2.6" in second_alt and second_alt != first_alt
    assert Image.open(io.BytesIO(second_png)).info["Description"] == second_alt
    assert not np.array_equal(_pixels(first_png), _pixels(second_png))
    assert np.array_equal(_pixels(second_png), _pixels(_fresh(OTHER)[0]))


@pytest.mark.parametrize("sequence", [(LONG, SHORT), (LONG, EMPTY), (SHORT, LONG), (EMPTY, SHORT, LONG)])
def test_a_history_of_another_length_after_the_last_draws_as_on_a_fresh_canvas(
        sequence: tuple[TeamDigest, ...]) -> None:
    *_, (png, alt) = _in_one_thread(*sequence)
    expected_png, expected_alt = _fresh(sequence[-1])
    assert alt == expected_alt
    assert np.array_equal(_pixels(png), _pixels(expected_png))


def test_as_many_weeks_but_later_ones_are_labelled_with_their_own_weeks() -> None:
    later = _report("Support", _weeks(37, 12, 3.0, 60.0, 0.8), iso_week="2026-W48")
    _, (later_png, _), (again_png, _) = _in_one_thread(LONG, later, LONG)
    assert np.array_equal(_pixels(later_png), _pixels(_fresh(later)[0]))
    assert np.array_equal(_pixels(again_png), _pixels(_fresh(LONG)[0]))
    assert not np.array_equal(_pixels(later_png), _pixels(again_png))


def _chart_and_full_draw(*reports: TeamDigest) -> tuple[bytes, np.ndarray]:
    """The last report's chart, and then its figure drawn whole, in matplotlib's own order."""
    def run() -> tuple[bytes, np.ndarray]:
        png = [render_chart(report) for report in reports][-1][0]
        canvas = chart._canvas().canvas
        canvas.draw()
        return png, np.asarray(canvas.buffer_rgba()).copy()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


@pytest.mark.parametrize("before", [(), (LONG,), (SHORT,)])
def test_a_chart_is_its_figure_drawn_whole_even_with_data_on_the_edges(before: tuple[TeamDigest, ...]) -> None:
    edges = _report("Edges", tuple(WeekPoint(f"2026-W{36 + i}", (1.0, 5.0)[i % 2], (0.0, 100.0)[i % 2],
                                             (0.0, 1.0, None)[i % 3]) for i in range(12)))
    png, full = _chart_and_full_draw(*before, edges)
    assert np.array_equal(_pixels(png), full)


def test_threads_each_draw_on_their_own_canvas() -> None:
    reports = [LONG, OTHER, SHORT, EMPTY] * 4
    expected = [_pixels(_fresh(r)[0]) for r in reports[:4]] * 4
    with ThreadPoolExecutor(max_workers=4) as pool:
        drawn = list(pool.map(render_chart, reports))
    assert all(np.array_equal(_pixels(png), want) for (png, _alt), want in zip(drawn, expected))


async def test_the_async_digest_message_draws_the_chart_off_the_event_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[int] = []

    def recording(report: TeamDigest) -> tuple[bytes, str]:
        threads.append(threading.get_ident())
        return render_chart(report)

    monkeypatch.setattr(chart, "render_chart", recording)
    message = await digest_message(LONG)
    assert isinstance(message, DigestMessage) and message.chart_alt == _fresh(LONG)[1]
    assert message.chart_png is not None and Image.open(io.BytesIO(message.chart_png)).size == (600, 400)
    assert threads and threads[0] != threading.get_ident()

"""The digest chart: a real PNG of chat size, with alt text that describes it."""
from __future__ import annotations

import io
from datetime import date

from PIL import Image

from handlers.insights.chart import HEIGHT_PX, WIDTH_PX, alt_text, render_chart
from handlers.insights.report import MomentFigures, TeamDigest, WeekPoint


def _report(points: tuple[WeekPoint, ...]) -> TeamDigest:
    return TeamDigest(team="Support", iso_week="2026-W47", week_start=date(2026, 11, 16), week_end=date(2026, 11, 22),
                      members=6, respondents=5, participation=0.833, min_group=5, mood=None,
                      moments=MomentFigures(0, None, None, None), history=points)


def test_chart_is_a_600_by_400_png_with_alt_text() -> None:
    points = tuple(WeekPoint(f"2026-W{36 + i}", None if i == 4 else 3.0 + i / 10, 50.0 + i, 0.8) for i in range(12))
    png, alt = render_chart(_report(points))
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == (WIDTH_PX, HEIGHT_PX) == (600, 400)
    assert image.info.get("Description", "").startswith("Chart of Support")
    assert "2026-W36 to 2026-W47" in alt and "from 3.0 to 4.1" in alt and "61 in the last week" in alt
    assert "1 week without a mood figure" in alt and "is left as a gap" not in alt


def test_chart_without_any_shown_week_still_renders_and_says_so() -> None:
    points = tuple(WeekPoint(f"2026-W{36 + i}", None, None, None) for i in range(12))
    png, alt = render_chart(_report(points))
    assert Image.open(io.BytesIO(png)).size == (600, 400)
    assert "No week had enough respondents" in alt and "No week had enough customer moments" in alt
    assert alt_text(_report(())) == "Chart of Support: no weekly figures yet."

"""The digest's insights against hand-computed values: trend, quality index, touchpoints, quotes,
the mood ↔ customer-quality link, the JSON schema, the chart and `digest --format png|json`."""
from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema
from PIL import Image

from bot.console.render import render_digest_text
from handlers.messages import DigestMessage
from tests.integration.digest_seed import after, make_team, seed_moments, seed_moods

ROOT = Path(__file__).resolve().parents[2]
SIX = ("amy", "ben", "cat", "dan", "eve", "fay")
FIVE = SIX[:5]


def _schema() -> dict:
    return json.loads((ROOT / "docs" / "digest.schema.json").read_text(encoding="utf-8"))


async def _support_week(harness) -> None:
    await make_team(harness, "Support", SIX, "mia")
    await seed_moods(harness, "2026-W43", dict.fromkeys(SIX, 4))
    await seed_moods(harness, "2026-W44", dict.fromkeys(SIX, 3))
    await seed_moods(harness, "2026-W45", dict.fromkeys(SIX, 4))
    await seed_moods(harness, "2026-W46", dict.fromkeys(SIX[:4], 5))  # 4 respondents: never shown
    await seed_moods(harness, "2026-W47", {"amy": 5, "ben": 4, "cat": 4, "dan": 2, "eve": 3})
    await seed_moments(harness, "Support", "2026-W47", [
        ("amy", "positive", 0.8, "support", "Customer *loved* the fix <@U0AMY> see <https://x.example/t/1|ticket>"),
        ("ben", "positive", 0.4, "billing", "Invoice question sorted quickly"),
        ("cat", "mixed", 0.0, "support", "Workaround accepted, bug still open"),
        ("dan", "negative", -0.6, "support", "Angry caller, refund delayed again"),
        ("eve", None, -0.2, "onboarding", "Setup call ran long"),
    ])
    harness.clock.set(after("2026-W47"))


async def test_trend_quality_touchpoints_and_quotes(harness) -> None:
    await _support_week(harness)
    [message] = (await harness.reply("mia", "tandem digest")).messages
    report = message.report
    assert report.iso_week == "2026-W47" and report.mood.mean == 3.6
    # trend: previous four weeks 4.0, 3.0, 4.0 and (W46, 4 respondents) not shown → baseline 11/3
    assert (report.mood.trend.baseline, report.mood.trend.change, report.mood.trend.weeks) == (3.67, -0.07, 3)
    assert report.mood.trend.direction == "steady"
    moments = report.moments
    assert (moments.logged, moments.share_positive, moments.share_negative, moments.mean_sentiment) == (5, 0.4, 0.2,
                                                                                                        0.08)
    # outcome score (2 + 0.5) / 4 = 0.625; sentiment score (0.08 + 1) / 2 = 0.54 → 100 × (0.375 + 0.216)
    assert moments.quality_index == 59.1
    assert [(t.touchpoint, t.moments) for t in moments.top_touchpoints] == [("support", 3), ("billing", 1),
                                                                            ("onboarding", 1)]
    quotes = [(q.tone, q.text) for q in moments.excerpts]
    assert quotes == [("positive", "Customer loved the fix someone see ticket"),
                      ("negative", "Angry caller, refund delayed again"),
                      ("positive", "Invoice question sorted quickly")]
    assert [p.iso_week for p in report.history][-5:] == ["2026-W43", "2026-W44", "2026-W45", "2026-W46", "2026-W47"]
    assert [p.mood for p in report.history][-5:] == [4.0, 3.0, 4.0, None, 3.6]
    assert report.history[-1].quality == 59.1 and report.history[-1].participation == round(5 / 6, 3)
    text = render_digest_text(report)
    assert "Quality index: 59 / 100" in text and "support (3)" in text and "against the previous 3 weeks" in text
    assert "Amy" not in text and "amy" not in text and "U0AMY" not in text


async def test_mood_and_quality_moving_together_is_stated_with_its_uncertainty(harness) -> None:
    await make_team(harness, "Support", FIVE, "mia")
    weeks = [f"2026-W{n}" for n in range(36, 48)]
    for k, week in enumerate(weeks):  # mean 3 + k/15: three answers each, k of the 15 are a 4
        fours = iter([4] * k + [3] * (15 - k))
        await seed_moods(harness, week, {u: [next(fours) for _ in range(3)] for u in FIVE})
        await seed_moments(harness, "Support", week, [(u, None, -0.5 + 0.08 * k, None, "call") for u in FIVE])
    harness.clock.set(after("2026-W47"))
    [message] = (await harness.reply("mia", "tandem digest")).messages
    same, lagged = message.report.links
    assert (same.lag_weeks, same.rho, same.weeks, same.low, same.high) == (0, 1.0, 12, 1.0, 1.0)
    assert (lagged.lag_weeks, lagged.rho, lagged.weeks) == (1, 1.0, 11)
    assert same.p_value < 0.01
    assert "moved together" in same.statement and "does not show that one causes the other" in same.statement
    assert "a week later" in lagged.statement
    assert [p.mood for p in message.report.history] == [round(3 + k / 15, 2) for k in range(12)]


async def test_no_link_is_claimed_before_six_weeks_have_both_figures(harness) -> None:
    await make_team(harness, "Support", FIVE, "mia")
    for k, week in enumerate(["2026-W43", "2026-W44", "2026-W45", "2026-W46", "2026-W47"]):
        await seed_moods(harness, week, dict.fromkeys(FIVE, 3 + k % 2))
        await seed_moments(harness, "Support", week, [(u, "positive", 0.5, None, "ok") for u in FIVE])
    harness.clock.set(after("2026-W47"))
    [message] = (await harness.reply("mia", "tandem digest")).messages
    assert message.report.links == ()
    assert any("at least 6 of the last 12 weeks" in n and "so far 5" in n for n in message.report.notices)


async def test_json_output_validates_against_the_documented_schema(harness) -> None:
    await _support_week(harness)
    await make_team(harness, "Sales", ("gus", "hal", "ivy"), "max")
    messages = (await harness.reply("ada", "tandem digest")).messages  # two teams + the organisation view
    assert len(messages) == 3
    validator = jsonschema.Draft202012Validator(_schema())
    for message in messages:
        document = json.loads(json.dumps(message.report.to_json()))
        assert not list(validator.iter_errors(document)), message.report.team
    broken = messages[0].report.to_json() | {"participation": 1.7}
    assert list(validator.iter_errors(broken))


async def test_digest_messages_carry_a_chart_with_alt_text(harness) -> None:
    await _support_week(harness)
    [message] = (await harness.reply("mia", "tandem digest")).messages
    assert isinstance(message, DigestMessage) and message.chart_png
    image = Image.open(io.BytesIO(message.chart_png))
    assert image.format == "PNG" and image.size == (600, 400)
    assert "Support" in message.chart_alt and "3.6 in the last week" in message.chart_alt
    assert "8 weeks without a mood figure" in message.chart_alt  # W36–W42 had no answers, W46 too few


async def test_admin_asks_for_the_organisation_view(harness) -> None:
    await _support_week(harness)
    [message] = (await harness.reply("ada", "tandem digest org")).messages
    assert message.report.scope == "organisation" and message.report.mood.mean == 3.6
    assert "There is no team called “org”" in await harness.say("mia", "tandem digest org")  # admins only


async def test_cli_writes_png_charts_and_json(harness, tmp_path, capsys) -> None:
    from bot.cli.digest import print_digests
    from bot.config import load_settings

    if harness.deps.engine.dialect.name != "sqlite":
        return  # the CLI reads DATABASE_URL; the SQLite run covers it
    await _support_week(harness)
    url = harness.deps.engine.url.render_as_string(hide_password=False)
    settings = load_settings({"TANDEM_CONFIG": str(ROOT / "app.yaml"), "DATABASE_URL": url})
    assert await print_digests(settings, team="support", week="2026-W47", output="png",
                               chart_dir=tmp_path / "charts") == 0
    written = tmp_path / "charts" / "2026-W47-support.png"
    assert Image.open(written).size == (600, 400)
    assert str(written) in capsys.readouterr().out
    assert await print_digests(settings, team=None, week="2026-W47", output="json") == 0
    [document] = json.loads(capsys.readouterr().out)
    jsonschema.validate(document, _schema())
    assert document["moments"]["quality_index"] == 59.1

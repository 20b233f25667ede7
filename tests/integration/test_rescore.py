"""Scores are stored with the scorer's version; a later scorer re-scores history."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from handlers.cx.ingest import IncomingRating, ingest
from handlers.delivery import rescore
from handlers.sentiment import Sentiment, StackedScorer, TandemScorer, default_scorer
from storage.models import CustomerMoment, CustomerRating, MoodEntry

ROOT = Path(__file__).resolve().parents[2]


class AlwaysNegative:
    version = "test-negative-1"

    def score(self, text: str) -> Sentiment:
        return Sentiment(polarity=-0.5, label="negative")


async def test_rescoring_updates_only_rows_of_other_versions(harness) -> None:
    await harness.say("alice", "checkin")
    await harness.say("alice", "mood 4")
    await harness.say("alice", "note lovely day")
    await harness.say("alice", "moment Customer was delighted")
    async with harness.deps.context() as ctx:
        await ingest(ctx.session, [IncomingRating("zendesk", str(n), ctx.clock.now(), "good", "good_bad",
                                                  "ana@example.com", comment=comment)
                                   for n, comment in enumerate(["Fantastic help", None])], "pull", ctx.scorer,
                     ctx.clock.now())
    harness.deps.scorer = AlwaysNegative()
    async with harness.deps.context() as ctx:
        assert await rescore.pending(ctx) == 3  # the rating without a comment has nothing to score
        assert (await rescore.rescore_notes(ctx, 0, 100))[0] == 1
        assert (await rescore.rescore_moments(ctx, 0, 100))[0] == 1
        assert await rescore.rescore_comments(ctx, 0, 100) == (1, 1)
    async with harness.deps.context() as ctx:
        assert await rescore.pending(ctx) == 0
    [entry], [moment] = await harness.rows(MoodEntry), await harness.rows(CustomerMoment)
    assert (entry.note_label, entry.sentiment_version) == ("negative", "test-negative-1")
    assert (moment.polarity, moment.sentiment_version) == (-0.5, "test-negative-1")
    rated = {r.external_id: r for r in await harness.rows(CustomerRating)}
    assert (rated["0"].comment_label, rated["0"].sentiment_version) == ("negative", "test-negative-1")
    assert rated["1"].sentiment_version is None


def test_rescore_command_shows_progress_and_finishes(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 't.db'}", "TANDEM_CONFIG": str(ROOT / "app.yaml"),
           "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-m", "bot", "console", "--as", "al"], input="moment Great call\n", env=env,
                   cwd=tmp_path, capture_output=True, text=True, timeout=120, check=True)
    with sqlite3.connect(tmp_path / "t.db") as db:
        db.execute("UPDATE customer_moments SET sentiment_version = 'old-0'")
    result = subprocess.run([sys.executable, "-m", "bot", "rescore"], env=env, cwd=tmp_path, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Re-scoring with" in result.stderr and "1/1" in result.stderr
    assert "Re-scored 1 notes, moments and customer comments" in result.stdout
    again = subprocess.run([sys.executable, "-m", "bot", "rescore"], env=env, cwd=tmp_path, capture_output=True,
                           text=True, timeout=120)
    assert "already scored" in again.stdout


async def test_history_scored_by_the_rules_is_rescored_by_the_default_scorer(harness) -> None:
    """Notes, moments and comments stored by tandem-3 are pending under the default scorer (tandem-5) and
    re-scored to what it says, on SQLite and PostgreSQL; the rules' veto holds for curated words."""
    harness.deps.scorer = TandemScorer()
    await harness.say("alice", "checkin")
    await harness.say("alice", "mood 2")
    await harness.say("alice", "note swamped again, third late night")
    await harness.say("alice", "moment Client asked for a refund, frustrated by repeated outages.")
    async with harness.deps.context() as ctx:
        await ingest(ctx.session, [IncomingRating("zendesk", "c1", ctx.clock.now(), "bad", "good_bad",
                                                  "ana@example.com", comment="Took five days to get any answer")],
                     "pull", ctx.scorer, ctx.clock.now())
    harness.deps.scorer = default_scorer()
    async with harness.deps.context() as ctx:
        assert await rescore.pending(ctx) == 3
        await rescore.rescore_notes(ctx, 0, 100)
        await rescore.rescore_moments(ctx, 0, 100)
        await rescore.rescore_comments(ctx, 0, 100)
    async with harness.deps.context() as ctx:
        assert await rescore.pending(ctx) == 0
    stacked = StackedScorer()
    [entry], [moment] = await harness.rows(MoodEntry), await harness.rows(CustomerMoment)
    [rating] = await harness.rows(CustomerRating)
    for text, polarity, version in ((entry.note, entry.note_polarity, entry.sentiment_version),
                                    (moment.text, moment.polarity, moment.sentiment_version),
                                    (rating.comment, rating.comment_polarity, rating.sentiment_version)):
        assert version == stacked.version and polarity == pytest.approx(stacked.score(text).polarity), text
    assert entry.note_polarity == pytest.approx(TandemScorer().score(entry.note).polarity)  # "swamped": curated
    assert rating.comment_polarity < 0  # no opinion word for the rules (0.0 under tandem-3): the model speaks

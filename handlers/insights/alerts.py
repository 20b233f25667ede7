"""Drop alerts for managers: a team's mood well below its own baseline, a downward streak, a collapse in
participation, or its customers' CSAT well below its own baseline — sent once per episode, under the same
privacy rules as the digest.

Alerts are judged on whole ISO weeks only (the week just ended, once the last check-ins of that
week have closed), never on a week still running: a mid-week alert would let a reader compare it
with the next and isolate single days. Mood conditions use only weekly means the digest would show
(≥ min_group respondents, not withheld for overlapping teams), so an alert reveals nothing a digest
doesn't. An episode starts when a condition first holds and ends in the first week it clearly
doesn't; a week that can't be judged (too few answers) leaves it open, so it alerts once.
"""
from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from handlers.context import Ctx
from handlers.delivery.outgoing import queue_alert
from handlers.insights import privacy, stats
from handlers.insights.weeks import WeekView, team_weeks
from handlers.localtime import zone
from storage import alerts as alert_store
from storage import teams, workspaces
from storage.calendar import iso_week_bounds, iso_week_of, previous_iso_week
from storage.models import Person, Team

log = logging.getLogger("tandem.alerts")

BASELINE_WEEKS = 8
MIN_BASELINE_WEEKS = 4
LARGE_DROP = 0.7  # points on the 1–5 scale: always "well below"
SMALL_DROP = 0.3  # the least drop that counts when it is also beyond one standard deviation
STREAK = 3  # consecutive weekly declines
COLLAPSE = 0.5  # participation at or below this share of its baseline
CSAT_LARGE_DROP = 15.0  # CSAT points: always "well below"
CSAT_SMALL_DROP = 8.0  # the least CSAT drop that counts when it is also beyond one standard deviation


@dataclass(frozen=True)
class Finding:
    kind: str
    firing: bool | None  # None: this week can't be judged (e.g. too few answers to show mood)
    text: str = ""
    detail: dict | None = None


def judge(team: str, views: list[WeekView], min_group: int) -> list[Finding]:
    """The three alert conditions for the last week of `views` (earlier weeks are its baseline)."""
    *previous, now = views
    week = iso_week_of(now.monday)
    return [_low_mood(team, week, previous, now, min_group), _streak(team, week, [*previous, now], min_group),
            _participation(team, week, previous, now), _low_csat(team, week, previous, now, min_group)]


def _low_csat(team: str, week: str, previous: list[WeekView], now: WeekView, min_group: int) -> Finding:
    """CSAT as the digest shows it (from at least min_group agents, overlap rule applied) against its baseline."""
    csat = now.csat(min_group)
    judged = _below_baseline(csat, [v.csat(min_group) for v in previous], CSAT_LARGE_DROP, CSAT_SMALL_DROP)
    if csat is None or judged is None:
        return Finding("low_csat", None)
    firing, baseline, weeks = judged
    text = (f"Heads-up about {team}: in {week} {csat:.0f}% of customers' helpdesk ratings were satisfied, well "
            f"below the team's usual {baseline:.0f}% (mean of the previous {weeks} weeks). These are "
            f"{now.agg.csat_ratings} ratings of {now.agg.csat_agents} agents together; no agent's ratings are "
            "shown. It may be worth looking at what customers ran into.")
    return Finding("low_csat", firing, text, {"csat": csat, "baseline": round(baseline, 1)})


def _below_baseline(current: float | None, previous: list[float | None], large: float,
                    small: float) -> tuple[bool, float, int] | None:
    """(well below?, baseline, weeks in it) of a shown weekly figure against its previous shown weeks: a
    drop of `large`, or of `small` that is also beyond one standard deviation. None: can't be judged."""
    base = [value for value in previous[-BASELINE_WEEKS:] if value is not None]
    if current is None or len(base) < MIN_BASELINE_WEEKS:
        return None
    baseline, sd = stats.mean_sd(base)
    drop = baseline - current
    return drop >= large or (drop >= small and drop > sd), baseline, len(base)


def _low_mood(team: str, week: str, previous: list[WeekView], now: WeekView, min_group: int) -> Finding:
    mood = now.mood(min_group)
    judged = _below_baseline(mood, [v.mood(min_group) for v in previous], LARGE_DROP, SMALL_DROP)
    if mood is None or judged is None:
        return Finding("low_mood", None)
    firing, baseline, weeks = judged
    text = (f"Heads-up about {team}: in {week} the team's mood averaged {mood:.2f} out of 5, well below its usual "
            f"{baseline:.2f} (mean of the previous {weeks} weeks). This is the average of {now.agg.respondents} "
            "people's answers; no individual answers are shown. It may be worth checking in with the team.")
    return Finding("low_mood", firing, text, {"mood": round(mood, 2), "baseline": round(baseline, 2)})


def _streak(team: str, week: str, views: list[WeekView], min_group: int) -> Finding:
    means = [v.mood(min_group) for v in views[-(STREAK + 1):]]
    if len(means) < STREAK + 1 or any(m is None for m in means):
        return Finding("mood_streak", None)
    rounded = [round(m, 2) for m in means if m is not None]  # all of them: a None returned above
    firing = all(a > b for a, b in itertools.pairwise(rounded))
    text = (f"Heads-up about {team}: the team's weekly mood has fallen {STREAK} weeks in a row, to {week}: "
            + " → ".join(f"{m:.2f}" for m in rounded) + ". Averages of at least "
            f"{min_group} people's answers each; no individual answers are shown.")
    return Finding("mood_streak", firing, text, {"means": rounded})


def _participation(team: str, week: str, previous: list[WeekView], now: WeekView) -> Finding:
    shares = [v.agg.respondents / v.agg.members for v in previous[-BASELINE_WEEKS:] if v.agg.members]
    if not now.agg.members or len(shares) < MIN_BASELINE_WEEKS:
        return Finding("participation", None)
    baseline = sum(shares) / len(shares)
    share = now.agg.respondents / now.agg.members
    firing = baseline > 0 and share <= COLLAPSE * baseline
    text = (f"Heads-up about {team}: in {week} only {now.agg.respondents} of {now.agg.members} people answered "
            f"check-ins ({share * 100:.0f}%), against a usual {baseline * 100:.0f}% over the previous {len(shares)} "
            "weeks. Fewer answers can mean people are overloaded — or that check-ins need a new time.")
    return Finding("participation", firing, text, {"share": round(share, 3), "baseline": round(baseline, 3)})


def evaluation_due(now: datetime, iso_week: str, timezone: str, answer_window_hours: int) -> bool:
    """A week is judged once it has ended in the workspace's zone and its last check-ins have closed."""
    _, sunday = iso_week_bounds(iso_week)
    closes = datetime.combine(sunday + timedelta(days=1), time(0), tzinfo=zone(timezone))
    return now >= closes + timedelta(hours=answer_window_hours)


async def plan_alerts(ctx: Ctx, now: datetime) -> int:
    """Judge every team's last whole week once and queue an alert per new episode to each manager."""
    by_team: dict[int, tuple[Team, list[Person]]] = {}
    for team, manager in await teams.team_managers(ctx.session):
        by_team.setdefault(team.id, (team, []))[1].append(manager)
    if not by_team:
        return 0
    queued = 0
    for workspace, schedule in await workspaces.active_schedules(ctx.session):
        if not schedule.enabled:
            continue
        week = previous_iso_week(now.astimezone(zone(workspace.timezone)).date())
        if not evaluation_due(now, week, workspace.timezone, ctx.config.checkin.answer_window_hours):
            week = previous_iso_week(iso_week_bounds(week)[0])
        ids = [t for t, (team, _) in by_team.items() if team.workspace_id == workspace.id]
        todo = await alert_store.unchecked(ctx.session, ids, week)
        if todo:
            queued += await _judge_teams(ctx, [by_team[t] for t in todo], week, workspace.min_group, now)
            await alert_store.mark_checked(ctx.session, todo, week, now)
    if queued:
        log.info("queued %s drop alerts", queued)
    return queued


async def _judge_teams(ctx: Ctx, chosen: list[tuple[Team, list[Person]]], week: str, min_group: int,
                       now: datetime) -> int:
    min_group = privacy.effective_min_group(min_group)
    views, _ = await team_weeks(ctx, [t.id for t, _ in chosen], week, min_group, history_weeks=BASELINE_WEEKS)
    episodes = await alert_store.open_episodes(ctx.session, [t.id for t, _ in chosen])
    queued = 0
    for team, managers in chosen:
        for finding in judge(team.name, views[team.id], min_group):
            episode = episodes.get((team.id, finding.kind))
            if finding.firing is None:
                continue
            if not finding.firing:
                if episode is not None:
                    episode.ended_week = week
                continue
            if episode is not None:
                episode.last_week = week
                continue
            episode = await alert_store.start_episode(ctx.session, team_id=team.id, kind=finding.kind,
                                                      iso_week=week, detail=finding.detail or {}, now=now)
            for manager in managers:
                queued += await queue_alert(ctx, workspace_id=team.workspace_id, team_id=team.id,
                                            manager_id=manager.id, episode=str(episode.id), text=finding.text,
                                            extra={"kind": finding.kind, "iso_week": week})
    return queued


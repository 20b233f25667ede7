"""Digests of several teams for one whole week, from a fixed number of grouped queries; frozen once settled.

A team's digest of a settled week is stored the first time it is built and returned as stored ever after,
whoever asks and through whichever channel (privacy rule 4).
"""
from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from handlers.context import Ctx
from handlers.insights import privacy
from handlers.insights.effects import action_effects
from handlers.insights.figures import figures_from, organisation_digest
from handlers.insights.report import SharedNoteItem, TeamDigest, Theme
from handlers.insights.themes import shared_themes, team_themes
from handlers.insights.weeks import WeekView, team_weeks
from handlers.messages import DigestMessage
from storage import digests as digest_store
from storage import themes as theme_store
from storage.calendar import iso_week_bounds
from storage.models import Team


async def build_digests(ctx: Ctx, chosen: Sequence[Team], iso_week: str, min_group: int, *,
                        organisation: bool = False, save: bool = True) -> list[TeamDigest]:
    """Timed for operators (Ctx.observe, per team digest); the work is in _build_digests."""
    started = time.perf_counter()
    digests = await _build_digests(ctx, chosen, iso_week, min_group, organisation=organisation, save=save)
    each = (time.perf_counter() - started) / max(len(digests), 1)
    for _ in digests:
        ctx.observe("digest_build_seconds", each)
    return digests


async def _build_digests(ctx: Ctx, chosen: Sequence[Team], iso_week: str, min_group: int, *,
                         organisation: bool = False, save: bool = True) -> list[TeamDigest]:
    """Digests of several teams for one whole week, from a fixed number of grouped queries.

    A settled week's digests are frozen: a team's first digest built after the week settled is stored and
    every later build returns it unchanged (only the team's current name is put in). `organisation`: also
    return (last) the organisation view that pools the chosen teams' shown figures (sealed ones too).
    """
    min_group = privacy.effective_min_group(min_group)
    first, last = iso_week_bounds(iso_week)
    ids = [t.id for t in chosen]
    settled = digest_store.is_settled(first, ctx.clock.now())
    frozen = await digest_store.frozen_runs(ctx.session, ids, iso_week) if settled else {}
    to_build = [t for t in chosen if t.id not in frozen]
    built: dict[int, TeamDigest] = {}
    views: dict[int, list[WeekView]] = {}
    if to_build or organisation:
        views, current = await team_weeks(ctx, ids if organisation else [t.id for t in to_build], iso_week, min_group)
        built_ids = [t.id for t in to_build]
        with_moments = [t for t in built_ids if privacy.enough(current[t].moment_authors, min_group)]
        touchpoints = await digest_store.top_touchpoints(ctx.session, first, last, with_moments) if with_moments else {}
        candidates = (await digest_store.excerpt_candidates(ctx.session, first, last, with_moments)
                      if with_moments else {})
        themes = await _week_themes(ctx, built_ids, first, last, min_group)
        actions = await action_effects(ctx, {t: views[t] for t in built_ids}, iso_week, min_group)
        for team in to_build:
            *previous, this_week = views[team.id]
            quotes = privacy.choose_quotes(((e.person_id, e.polarity, e.text) for e in candidates.get(team.id, ())),
                                           this_week.agg.moment_authors, min_group)
            built[team.id] = figures_from(team.name, iso_week, this_week.agg, min_group, withheld=this_week.withheld,
                                          previous=previous, touchpoints=touchpoints.get(team.id, ()), quotes=quotes,
                                          csat_withheld=this_week.csat_withheld)
            built[team.id] = replace(built[team.id], themes=themes.get(team.id, ()), actions=actions.get(team.id, ()))
    if save and built:
        await digest_store.save_runs(ctx.session, [(t, iso_week, r.respondents, r.to_json()) for t, r in built.items()],
                                     ctx.clock.now())
        if settled:  # read back what was frozen: a concurrent build of the same week may have frozen first
            frozen = await digest_store.frozen_runs(ctx.session, ids, iso_week)
    reports = [replace(TeamDigest.from_json(frozen[t.id]), team=t.name) if t.id in frozen else built[t.id]
               for t in chosen]
    reports = [replace(r, shared_notes=await _shared_notes(ctx, t, iso_week, min_group))
               for t, r in zip(chosen, reports, strict=True)]
    if organisation:
        view = organisation_digest(iso_week, [views[t] for t in ids], min_group, len(chosen))
        reports.append(replace(view, themes=shared_themes(r.themes for r in reports),
                               actions=tuple(replace(a, team=r.team) for r in reports for a in r.actions)))
    return reports


async def _shared_notes(ctx: Ctx, team: Team, iso_week: str, min_group: int) -> tuple[SharedNoteItem, ...]:
    """Read live after the frozen copy (never stored with it): a withdrawn note must leave even a settled week.
    Imported here because the feed's module reaches back to handlers.digest, which imports this one."""
    from handlers.sharing.feed import digest_items

    return await digest_items(ctx, team, iso_week, min_group)


async def _week_themes(ctx: Ctx, team_ids: list[int], first: date, last: date, min_group: int,
                       ) -> dict[int, tuple[Theme, ...]]:
    """The themes of the teams being built. Teams sharing members with them are read too, so the overlap
    rule compares each team's themes with theirs whether or not their digests are built now (when every
    team of the workspace is built, there is no one else to ask about)."""
    if not team_ids:
        return {}
    everyone = await digest_store.workspace_team_ids(ctx.session, team_ids)
    partners: set[int] = set()
    if not set(everyone) <= set(team_ids):
        partners = {b for _, b in await digest_store.teams_sharing_members(ctx.session, team_ids, first, last)}
    texts = await theme_store.week_texts(ctx.session, first, last, sorted({*team_ids, *partners}))
    return {team: themes for team, themes in team_themes(texts, min_group).items() if team in team_ids}


async def build_team_digest(ctx: Ctx, team: Team, iso_week: str, min_group: int) -> TeamDigest:
    [digest] = await build_digests(ctx, [team], iso_week, min_group)
    return digest


async def digest_message(report: TeamDigest) -> DigestMessage:
    """The message with its chart (PNG and alt text), drawn on a worker thread: a chart takes tens of
    milliseconds of CPU, and the event loop answers every chat request meanwhile."""
    from handlers.insights.chart import render_chart

    png, alt = await asyncio.to_thread(render_chart, report)
    return DigestMessage(report=report, chart_png=png, chart_alt=alt)


async def forget_quotes(ctx: Ctx, workspace_id: int, texts: list[str]) -> int:
    """Take a departing person's moments out of the quotes of stored digests; the figures stay frozen."""
    quoted = {privacy.clean_excerpt(text) for text in texts if text}
    removed = 0
    for run in await digest_store.runs_with_excerpts(ctx.session, workspace_id):
        moments = dict(run.summary["moments"])
        kept = [quote for quote in moments["excerpts"] if quote.get("text") not in quoted]
        if len(kept) != len(moments["excerpts"]):
            removed += len(moments["excerpts"]) - len(kept)
            run.summary = {**run.summary, "moments": {**moments, "excerpts": kept}}
    return removed

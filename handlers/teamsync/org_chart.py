"""Applying an org chart: each team in the file follows the org chart, with exactly the file's people as its
members and the people its rows name in `manager_email` as its managers, from today.

Rules (the README repeats them for admins):
- A team is created when missing; a team managed by hand is taken over; a team that follows a Slack or
  Teams source is left alone and its rows are reported.
- A team that follows the org chart but is absent from the file is emptied (memberships end today).
- A person whose row is skipped keeps the team they are in, so a typo never makes anyone leave.
- A manager_email naming nobody in the file or the workspace is a warning: the team is imported without them.
- Memberships end and start today, so a move between teams keeps every past week where it was; applying
  the same file again changes nothing.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from handlers.context import Ctx
from handlers.localtime import zone
from handlers.teamsync.apply import apply_roster
from handlers.teamsync.org_report import OrgImport, TeamImport
from handlers.teamsync.org_rows import OrgChart, OrgRow, Problem, person_keys
from handlers.teamsync.sources import KIND_NAMES, ORG_CHART, Roster, RosterMember
from handlers.teamsync.welcome import queue_welcomes
from storage import people, people_batch, team_sources, teams, workspaces
from storage.models import Person, Team, TeamSource, Workspace


class NoWorkspace(LookupError):
    """Which workspace the org chart is for cannot be told (none yet, several, or an unknown name)."""


@dataclass
class _Target:
    name: str
    team: Team | None
    rows: list[OrgRow]


async def target_workspace(ctx: Ctx, wanted: str | None) -> Workspace:
    """The workspace named by id or name, or the only one there is."""
    found = await workspaces.all_workspaces(ctx.session)
    if not found:
        raise NoWorkspace("there is no workspace yet: install Tandem in Slack or Teams (or start "
                          "`python -m bot console` once), then import the org chart")
    known = ", ".join(f"{w.external_id} ({w.platform}, {w.name})" for w in found[:10])
    if wanted is None:
        if len(found) == 1:
            return found[0]
        raise NoWorkspace(f"there are {len(found)} workspaces; choose one with --workspace: {known}")
    chosen = [w for w in found if wanted.strip().lower() in (w.external_id.lower(), w.name.lower())]
    if len(chosen) != 1:
        raise NoWorkspace(f"no single workspace is called {wanted[:60]!r}; there are: {known}")
    return chosen[0]


def _stored_keys(person: Person) -> set[str]:
    return set(person_keys("" if people.is_placeholder(person) else person.platform_user_id, person.email))


async def import_org_chart(ctx: Ctx, workspace: Workspace, chart: OrgChart, *, file: str,
                           progress: Callable[[int], object] | None = None) -> OrgImport:
    """Apply the chart's good rows in this unit of work (a dry run rolls it back); what changed, by team."""
    report = OrgImport(rows=chart.read, problems=list(chart.problems))
    if not chart.rows:
        return report
    await workspaces.lock_workspace(ctx.session, workspace.id)  # two imports at once take turns (PostgreSQL)
    targets, held = await _targets(ctx, workspace, chart, report, progress)
    await _add_newcomers(ctx, workspace, [row.member for t in targets for row in t.rows])
    managers = await _managers(ctx, workspace, chart.rows)
    today = ctx.clock.now().astimezone(zone(workspace.timezone)).date()
    for target in targets:
        report.teams.append(await _apply_team(ctx, workspace, target, managers, held, today, file, report))
        if progress is not None and target.rows:
            progress(len(target.rows))
    return report


async def _targets(ctx: Ctx, workspace: Workspace, chart: OrgChart, report: OrgImport,
                   progress: Callable[[int], object] | None) -> tuple[list[_Target], set[str]]:
    """The teams to apply (the file's, then those that follow the org chart but left the file), and the keys of
    people whose rows were skipped and who appear on no applied row."""
    session = ctx.session
    targets: list[_Target] = []
    held = set(chart.held)
    groups: dict[str, list[OrgRow]] = {}
    for row in chart.rows:
        groups.setdefault(row.team.lower(), []).append(row)
    for rows in groups.values():
        team = await teams.find_team(session, workspace.id, rows[0].team)
        source = await team_sources.source_of(session, team.id) if team is not None else None
        if team is not None and source is not None and source.kind != ORG_CHART:
            report.problems.append(Problem(rows[0].line, (
                f"team “{team.name}” follows {source.label} ({KIND_NAMES.get(source.kind, source.kind)}), so the "
                f"org chart does not change it: its {len(rows)} row(s) were skipped. `/tandem team unsync "
                f"\"{team.name}\"` first to take it from the org chart.")))
            held.update(key for row in rows for key in person_keys(row.member.user_id, row.member.email))
            if progress is not None:
                progress(len(rows))
            continue
        targets.append(_Target(team.name if team is not None else rows[0].team, team, rows))
    held -= {key for t in targets for row in t.rows for key in person_keys(row.member.user_id, row.member.email)}
    named = {t.team.id for t in targets if t.team is not None}
    for source in await team_sources.sources_of_kind(session, workspace.id, ORG_CHART):
        absent = await teams.get_team(session, source.team_id) if source.team_id not in named else None
        if absent is not None:
            targets.append(_Target(absent.name, absent, []))
    return targets, held


def _opt_out_keys(member: RosterMember) -> set[str]:
    return {key for key in (member.user_id, people.placeholder_id(member.email) if member.email else "") if key}


async def _add_newcomers(ctx: Ctx, workspace: Workspace, members: list[RosterMember]) -> None:
    """Create, in a few statements, the people that neither platform id nor email finds (most of a first
    import), so apply_roster finds everyone instead of creating them one by one; who opted out stays out."""
    session = ctx.session
    by_id = await people.people_by_platform_ids(session, workspace.id, sorted({m.user_id for m in members
                                                                                if m.user_id}))
    by_email = await people.people_by_emails(session, workspace.id, sorted({m.email for m in members if m.email}))
    out = await people.opted_out(session, workspace.id, sorted({k for m in members for k in _opt_out_keys(m)}))
    fresh = [m for m in members if m.user_id not in by_id and m.email not in by_email
             and not (out and _opt_out_keys(m) & out)]
    await people_batch.add_people(session, workspace.id, [
        {"platform_user_id": m.user_id or people.placeholder_id(m.email or ""),
         "display_name": m.name or m.email or m.user_id, "email": m.email, "timezone": m.timezone,
         "holiday_country": m.country, "active": bool(m.user_id)} for m in fresh], ctx.clock.now())


async def _managers(ctx: Ctx, workspace: Workspace, rows: list[OrgRow]) -> dict[str, RosterMember]:
    """Every manager_email the file names, as the roster member it resolves to (a row of the file, or a person
    the workspace knows by that email); the ones naming nobody are absent."""
    in_file = {row.member.email: row.member for row in rows if row.member.email}
    wanted = sorted({row.manager_email for row in rows if row.manager_email and row.manager_email not in in_file})
    known = await people.people_by_emails(ctx.session, workspace.id, wanted)
    found = {email: in_file[email] for email in {row.manager_email for row in rows} if email in in_file}
    found.update((email, RosterMember(user_id="", email=email)) for email in known)
    return found


def _owners(target: _Target, managers: dict[str, RosterMember], report: OrgImport) -> tuple[RosterMember, ...]:
    named = Counter(row.manager_email for row in target.rows if row.manager_email)
    first: dict[str, int] = {}
    for row in target.rows:
        if row.manager_email:
            first.setdefault(row.manager_email, row.line)
    for email, count in named.items():
        if email not in managers:
            report.problems.append(Problem(first[email], (
                f"manager_email {email} names nobody in the file or in this workspace, so {target.name} is "
                f"imported without that manager ({count} row(s) name them)"), skipped=False))
    return tuple(managers[email] for email in named if email in managers)


async def _held_members(ctx: Ctx, team: Team, held: set[str], today: date) -> list[RosterMember]:
    """Current members whose row was skipped: they stay until a corrected file says otherwise."""
    if not held:
        return []
    return [RosterMember(user_id="" if people.is_placeholder(p) else p.platform_user_id, email=p.email)
            for p in await teams.people_in_team(ctx.session, team.id, "member", today) if _stored_keys(p) & held]


async def _follow(ctx: Ctx, workspace: Workspace, team: Team, file: str) -> TeamSource:
    source = await team_sources.source_of(ctx.session, team.id)
    if source is None or not source.managers_from_source:
        source = await team_sources.follow(ctx.session, workspace_id=workspace.id, team_id=team.id, kind=ORG_CHART,
                                           reference=file[:200], label=f"org chart ({file})"[:200],
                                           managers_from_source=True, requested_by=None, now=ctx.clock.now())
        source.due_at, source.reported = None, True  # nothing to fetch later; the command line reports
    return source


async def _apply_team(ctx: Ctx, workspace: Workspace, target: _Target, managers: dict[str, RosterMember],
                      held: set[str], today: date, file: str, report: OrgImport) -> TeamImport:
    now, team = ctx.clock.now(), target.team
    if team is None:
        team = await teams.add_team(ctx.session, workspace.id, target.name, now)
    source = await _follow(ctx, workspace, team, file)
    if target.rows:
        source.reference, source.label = file[:200], f"org chart ({file})"[:200]
    members = [row.member for row in target.rows] + await _held_members(ctx, team, held, today)
    roster = Roster(reference=source.reference, label=source.label, members=tuple(members),
                    owners=_owners(target, managers, report))
    change = await apply_roster(ctx, workspace, team, roster, platform=workspace.platform, managers=True,
                                today=today, welcome=False)
    # everyone in the team who can be reached and was never welcomed: newcomers, and people known only by
    # email until now, who have since appeared on their platform
    change.welcomed = await queue_welcomes(ctx, workspace, team,
                                           await teams.people_in_team(ctx.session, team.id, "member", today))
    source.last_synced_at, source.last_added, source.last_removed = now, len(change.joined), len(change.left)
    source.last_error = source.last_error_at = None
    return TeamImport(team=team.name, created=target.team is None, change=change, rows=len(target.rows))

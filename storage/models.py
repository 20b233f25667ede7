"""Tandem's data model (SQLAlchemy 2.x typed mappings). Alembic migrations mirror this file.

Unique constraints carry the exactly-once rules: one Prompt per person per slot and local date, one
MoodEntry per Prompt, one DigestRun per team per week, one Outbox row per dedupe key.
"""
from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


MAX_ID = 2**31 - 1  # ids are INTEGER columns on every backend


def is_row_id(value: object) -> bool:
    """Whether a value taken from a request can be a row id at all (others would overflow the database)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend: SQLite keeps no zone, so values are stored as UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use aware UTC datetimes")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, datetime: UTCDateTime()}


class Workspace(Base):
    """A Slack team, a Teams tenant or the local console: the unit of schedules and admins."""

    __tablename__ = "workspaces"
    __table_args__ = (UniqueConstraint("platform", "external_id", name="uq_workspaces_platform_external"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(128))
    name: Mapped[str] = mapped_column(String(200), default="")
    timezone: Mapped[str] = mapped_column(String(64))
    holiday_country: Mapped[str] = mapped_column(String(8), default="")
    min_group: Mapped[int] = mapped_column(SmallInteger)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]


class Person(Base):
    """Someone Tandem talks to; their own time zone and holiday country override the workspace's."""

    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("workspace_id", "platform_user_id", name="uq_people_workspace_user"),
                      Index("ix_people_workspace_email", "workspace_id", "email"))

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    platform_user_id: Mapped[str] = mapped_column(String(128))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(320))  # lower-cased; matches helpdesk agents to people
    timezone: Mapped[str | None] = mapped_column(String(64))
    locale: Mapped[str | None] = mapped_column(String(16))
    holiday_country: Mapped[str | None] = mapped_column(String(8))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    paused_until: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    welcomed_at: Mapped[datetime | None]  # the one welcome DM a team sync sends; never twice

    workspace: Mapped[Workspace] = relationship(lazy="joined")


class Team(Base):
    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("workspace_id", "name", name="uq_teams_workspace_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]


class Membership(Base):
    """Who belonged to which team, as member or manager, and when: history survives moves."""

    __tablename__ = "memberships"
    __table_args__ = (Index("ix_memberships_team_role", "team_id", "role", "ended_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))  # member | manager
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)


class TeamSource(Base):
    """Where a team's membership comes from, when it follows one: a Slack user group or channel, the Teams
    team Tandem is installed in, or the org chart file. Sync runs take turns through `lease_until`.

    `reference` is what the source is known by on its platform (user group id, channel id, Teams team id,
    or a handle or channel name still to be resolved); `label` is what admins see ("@support-team").
    """

    __tablename__ = "team_sources"
    __table_args__ = (UniqueConstraint("team_id", name="uq_team_sources_team_id"),
                      Index("ix_team_sources_lookup", "workspace_id", "kind", "reference"))

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # slack-group | slack-channel | teams-team | org-chart
    reference: Mapped[str] = mapped_column(String(200))
    label: Mapped[str] = mapped_column(String(200))
    managers_from_source: Mapped[bool] = mapped_column(Boolean, default=False)
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    due_at: Mapped[datetime | None]  # the next sync; set by the schedule and by the platform's change events
    last_synced_at: Mapped[datetime | None]
    last_added: Mapped[int] = mapped_column(Integer, default=0)
    last_removed: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(300))
    last_error_at: Mapped[datetime | None]
    reported: Mapped[bool] = mapped_column(Boolean, default=False)  # the admin who asked heard how the first went
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None]


class SyncOptOut(Base):
    """Someone who asked Tandem to forget them while a synced source still lists them: only the key the
    source names them by (platform id, or `email:<address>` for the org chart) is kept, so no sync adds them
    back. Talking to Tandem again removes it."""

    __tablename__ = "sync_opt_outs"
    __table_args__ = (UniqueConstraint("workspace_id", "key", name="uq_sync_opt_outs_workspace_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(330))
    person_key: Mapped[str] = mapped_column(String(128))  # their platform id: coming back clears all their keys
    created_at: Mapped[datetime]


class Schedule(Base):
    """A workspace's check-in, reminder and digest timing, changed by admins with `/tandem schedule`."""

    __tablename__ = "schedules"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), unique=True)
    checkin_days: Mapped[str] = mapped_column(String(32))  # "0,1,2,3,4" (Monday = 0)
    checkin_time: Mapped[str] = mapped_column(String(5))  # "HH:MM"
    digest_day: Mapped[int] = mapped_column(SmallInteger)
    digest_time: Mapped[str] = mapped_column(String(5))
    reminder_hours: Mapped[int] = mapped_column(SmallInteger)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime]


class Prompt(Base):
    """One check-in question to one person for one slot on one local date."""

    __tablename__ = "prompts"
    __table_args__ = (UniqueConstraint("person_id", "local_date", "slot", name="uq_prompts_person_date_slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    slot: Mapped[str] = mapped_column(String(16), default="checkin")
    local_date: Mapped[date] = mapped_column(Date)
    due_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    closes_at: Mapped[datetime]


class MoodEntry(Base):
    __tablename__ = "mood_entries"
    __table_args__ = (Index("ix_mood_entries_date_person", "local_date", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    prompt_id: Mapped[int] = mapped_column(ForeignKey("prompts.id", ondelete="CASCADE"), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    local_date: Mapped[date] = mapped_column(Date)
    score: Mapped[int] = mapped_column(SmallInteger)
    note: Mapped[str | None] = mapped_column(Text)
    note_polarity: Mapped[float | None] = mapped_column(Float)
    note_label: Mapped[str | None] = mapped_column(String(8))
    sentiment_version: Mapped[str | None] = mapped_column(String(32))
    answered_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class CustomerMoment(Base):
    """A notable customer interaction, filed under the author's team at the time."""

    __tablename__ = "customer_moments"
    __table_args__ = (Index("ix_customer_moments_team_date", "team_id", "local_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    local_date: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    polarity: Mapped[float] = mapped_column(Float)
    label: Mapped[str] = mapped_column(String(8))
    sentiment_version: Mapped[str] = mapped_column(String(32))
    outcome: Mapped[str | None] = mapped_column(String(8))  # positive | mixed | negative
    touchpoint: Mapped[str | None] = mapped_column(String(40))
    customer_ref: Mapped[str | None] = mapped_column(String(200))
    source_link: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime]


class Outbox(Base):
    """Everything Tandem sends, queued under a unique dedupe key so it goes out exactly once."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # checkin | reminder | digest | alert
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending|sending|sent|failed|skipped
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class ConversationRef(Base):
    """Where to reach a person proactively: a Slack DM channel or a Teams conversation reference."""

    __tablename__ = "conversation_refs"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), unique=True)
    platform: Mapped[str] = mapped_column(String(16))
    channel_id: Mapped[str | None] = mapped_column(String(200))
    reference: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    updated_at: Mapped[datetime]


class SeenEvent(Base):
    """Platform event ids already handled, so retries have effect once."""

    __tablename__ = "seen_events"
    __table_args__ = (UniqueConstraint("platform", "workspace_key", "event_id", name="uq_seen_events_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    workspace_key: Mapped[str] = mapped_column(String(128))
    event_id: Mapped[str] = mapped_column(String(128))
    seen_at: Mapped[datetime] = mapped_column(index=True)


class DigestRun(Base):
    """A built weekly digest: aggregates only, never names."""

    __tablename__ = "digest_runs"
    __table_args__ = (UniqueConstraint("team_id", "iso_week", name="uq_digest_runs_team_week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    iso_week: Mapped[str] = mapped_column(String(8))  # 2026-W47
    respondents: Mapped[int] = mapped_column(Integer)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)
    built_at: Mapped[datetime]


class AuditLog(Base):
    """Admin actions and refused attempts, for accountability."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(100))
    allowed: Mapped[bool] = mapped_column(Boolean)
    detail: Mapped[str] = mapped_column(String(500), default="")
    at: Mapped[datetime]


class TeamWeek(Base):
    """One team's sealed weekly sums (digest, trend, correlation, chart, alerts, organisation). No people.

    `overlap_gap`: the fewest people by which this team's respondents differed from those of a team it is
    the smaller of (capped; None: no such team), so the overlap rule can be applied for any min_group
    without looking at anyone again. Rows with `sealed` false predate sealing and are replaced.
    """

    __tablename__ = "team_weeks"
    __table_args__ = (UniqueConstraint("team_id", "iso_week", name="uq_team_weeks_team_week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    iso_week: Mapped[str] = mapped_column(String(8))
    members: Mapped[int] = mapped_column(Integer)
    respondents: Mapped[int] = mapped_column(Integer)
    entries: Mapped[int] = mapped_column(Integer)
    mood_sum: Mapped[int] = mapped_column(Integer)
    moments: Mapped[int] = mapped_column(Integer)
    moment_authors: Mapped[int] = mapped_column(Integer)
    moments_positive: Mapped[int] = mapped_column(Integer)
    moments_mixed: Mapped[int] = mapped_column(Integer)
    moments_negative: Mapped[int] = mapped_column(Integer)
    moment_polarity_sum: Mapped[float] = mapped_column(Float)
    computed_at: Mapped[datetime]
    score_1: Mapped[int] = mapped_column(Integer, default=0)
    score_2: Mapped[int] = mapped_column(Integer, default=0)
    score_3: Mapped[int] = mapped_column(Integer, default=0)
    score_4: Mapped[int] = mapped_column(Integer, default=0)
    score_5: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[int] = mapped_column(Integer, default=0)
    note_authors: Mapped[int] = mapped_column(Integer, default=0)
    note_polarity_sum: Mapped[float] = mapped_column(Float, default=0.0)
    overlap_gap: Mapped[int | None] = mapped_column(Integer, nullable=True)
    sealed: Mapped[bool] = mapped_column(Boolean, default=False)
    # customer ratings of the team's agents that week (see storage/csat.py); csat_gap: overlap_gap over agents
    csat_ratings: Mapped[int] = mapped_column(Integer, default=0)
    csat_agents: Mapped[int] = mapped_column(Integer, default=0)
    csat_satisfied: Mapped[int] = mapped_column(Integer, default=0)
    csat_comments: Mapped[int] = mapped_column(Integer, default=0)
    csat_comment_agents: Mapped[int] = mapped_column(Integer, default=0)
    csat_comment_sum: Mapped[float] = mapped_column(Float, default=0.0)
    csat_sources: Mapped[str] = mapped_column(String(200), default="")  # comma-separated, e.g. "csv,zendesk"
    csat_gap: Mapped[int | None] = mapped_column(Integer, nullable=True)


class AlertEpisode(Base):
    """A stretch of weeks in which one alert condition held for a team; it ends when the condition clears."""

    __tablename__ = "alert_episodes"
    __table_args__ = (Index("ix_alert_episodes_team_kind", "team_id", "kind", "ended_week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))  # low_mood | mood_streak | participation | low_csat
    started_week: Mapped[str] = mapped_column(String(8))
    last_week: Mapped[str] = mapped_column(String(8))
    ended_week: Mapped[str | None] = mapped_column(String(8))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime]


class AlertCheck(Base):
    """A team-week whose alerts were evaluated, so the minute tick evaluates each week once."""

    __tablename__ = "alert_checks"
    __table_args__ = (UniqueConstraint("team_id", "iso_week", name="uq_alert_checks_team_week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    iso_week: Mapped[str] = mapped_column(String(8))
    checked_at: Mapped[datetime]


class CustomerRating(Base):
    """One satisfaction rating a customer gave in a helpdesk, stored once per source and vendor id.

    The agent is kept as the vendor knows them (id and, once known, email); the team is not stored:
    a rating counts for the team its agent was in on the day it was given, resolved when figures are
    computed, so linking an agent later makes their earlier ratings count. `score` is 0-100; the
    original value and scale are kept beside it. The comment is blanked by the text retention rule.
    """

    __tablename__ = "customer_ratings"
    __table_args__ = (UniqueConstraint("source", "external_id", name="uq_customer_ratings_source_id"),
                      Index("ix_customer_ratings_rated_at", "rated_at"),
                      Index("ix_customer_ratings_agent_email", "agent_email"))

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(40))  # zendesk | intercom | freshdesk | helpscout | csv:NAME
    external_id: Mapped[str] = mapped_column(String(128))
    rated_at: Mapped[datetime]
    score: Mapped[float] = mapped_column(Float)  # 0-100
    satisfied: Mapped[bool] = mapped_column(Boolean)
    raw_value: Mapped[str] = mapped_column(String(16))
    scale: Mapped[str] = mapped_column(String(16))
    agent_ref: Mapped[str | None] = mapped_column(String(128))  # the vendor's agent id
    agent_email: Mapped[str | None] = mapped_column(String(320))  # lower-cased
    ticket_ref: Mapped[str | None] = mapped_column(String(128))
    comment: Mapped[str | None] = mapped_column(Text)
    comment_polarity: Mapped[float | None] = mapped_column(Float)
    comment_label: Mapped[str | None] = mapped_column(String(8))
    sentiment_version: Mapped[str | None] = mapped_column(String(32))
    via: Mapped[str] = mapped_column(String(8))  # webhook | pull | csv
    received_at: Mapped[datetime]


class AgentLink(Base):
    """An admin's statement that a helpdesk agent's email belongs to a person whose chat email differs."""

    __tablename__ = "cx_agent_links"
    __table_args__ = (UniqueConstraint("workspace_id", "email", name="uq_cx_agent_links_workspace_email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(320))  # lower-cased
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    linked_at: Mapped[datetime]


class AgentDirectory(Base):
    """A vendor agent id and the email the vendor's agent API gave for it (so ids resolve once)."""

    __tablename__ = "cx_agents"
    __table_args__ = (UniqueConstraint("source", "agent_ref", name="uq_cx_agents_source_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    agent_ref: Mapped[str] = mapped_column(String(128))
    email: Mapped[str | None] = mapped_column(String(320))
    name: Mapped[str] = mapped_column(String(200), default="")
    looked_up_at: Mapped[datetime]


class RatingSource(Base):
    """Where each helpdesk stands: the pull's high-water mark and cursor, what arrived last, the last error.

    One row per source; replicas take turns pulling through `lease_until` (a row lock on PostgreSQL,
    a compare-and-set on SQLite), so a page is never fetched twice at once.
    """

    __tablename__ = "cx_sources"
    __table_args__ = (UniqueConstraint("source", name="uq_cx_sources_source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    high_water: Mapped[str | None] = mapped_column(String(64))  # vendor time of the newest rating pulled
    cursor: Mapped[str | None] = mapped_column(String(500))  # where an interrupted pull resumes
    last_pulled_at: Mapped[datetime | None]
    last_received_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
    last_error_at: Mapped[datetime | None]
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None]


class TeamAction(Base):
    """What a team's manager said they will do, and, once done, what happened: the thing whose effect the
    digest measures. Numbered per team (`number`) so `action done N` names it without exposing row ids."""

    __tablename__ = "team_actions"
    __table_args__ = (UniqueConstraint("team_id", "number", name="uq_team_actions_team_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    # the recorder's date where they were: the action's week is a local ISO week, like every answer's and moment's
    local_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(8), default="open")  # open | done
    done_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(Text)


class ActionFeedback(Base):
    """One person's "helps / doesn't help" on one action; changeable, and only ever read in aggregate."""

    __tablename__ = "action_feedback"
    __table_args__ = (UniqueConstraint("action_id", "person_id", name="uq_action_feedback_action_person"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("team_actions.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    helps: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime]


class SharedNote(Base):
    """A check-in note its author chose to share with the team's managers. `author_id` is kept only to relay
    replies and honour export/forget-me; it is never shown. `number` is drawn at random per team so it does
    not follow the order people answered in; `iso_week` is the finest time ever shown."""

    __tablename__ = "shared_notes"
    __table_args__ = (UniqueConstraint("team_id", "number", name="uq_shared_notes_team_number"),
                      UniqueConstraint("mood_entry_id", name="uq_shared_notes_mood_entry"),
                      Index("ix_shared_notes_team_week", "team_id", "iso_week"))

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    mood_entry_id: Mapped[int] = mapped_column(ForeignKey("mood_entries.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    iso_week: Mapped[str] = mapped_column(String(8))
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | closed | withdrawn


class SharedNoteMessage(Base):
    """One turn of the conversation on a shared note; the manager only ever sees 'the author'."""

    __tablename__ = "shared_note_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("shared_notes.id", ondelete="CASCADE"), index=True)
    side: Mapped[str] = mapped_column(String(8))  # manager | author
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime]

"""Settings from app.yaml (defaults people may tune) and the environment (secrets, deployment).

Validation happens once at start-up so a bad value stops Tandem with a message naming the key and
what is allowed, instead of failing later in the middle of a check-in run.
"""
from __future__ import annotations

import os
from datetime import time
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from handlers.config import (
    MIN_GROUP_FLOOR,
    TEXT_LIMIT,
    CheckinConfig,
    DigestConfig,
    MomentsConfig,
    PrivacyConfig,
    ReminderConfig,
    RetentionConfig,
    TandemConfig,
    WorkspaceDefaults,
)
from storage.calendar import SHORT_DAY_NAMES as WEEKDAYS
from storage.calendar import ShortDayName as Weekday

# Touchpoints are listed in every moment form, card and refusal: these caps keep a Slack select (100
# options, 75-character labels) and a Teams card (40 KB) far from their limits.
MAX_TOUCHPOINTS = 20
MAX_TOUCHPOINT_LENGTH = 40


class ConfigError(Exception):
    """A setting that cannot be used; the message names the key and what is allowed."""


def _parse_clock(value: object) -> time:
    if isinstance(value, time):
        return value
    text = str(value).strip()
    parts = text.split(":")
    if len(parts) == 2 and all(p.isdecimal() and len(p) == 2 for p in parts):
        hour, minute = int(parts[0]), int(parts[1])
        if hour < 24 and minute < 60:
            return time(hour, minute)
    raise ValueError(f"{text!r} is not a 24-hour time; use HH:MM, e.g. 09:30")


Clock = Annotated[time, Field(description="24-hour local time HH:MM")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WorkspaceSection(_Strict):
    timezone: str = Field(WorkspaceDefaults.timezone, description="IANA time zone for people whose own zone is unknown")
    holiday_country: str = Field(WorkspaceDefaults.holiday_country,
                                 description="ISO 3166 country for public holidays; empty for none")
    admins: list[str] = Field(default_factory=list, description="platform user ids that are always admins")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: 'Europe' is a folder
            raise ValueError(f"{value!r} is not an IANA time zone (e.g. Europe/London, America/New_York)") from None
        return value

    @field_validator("holiday_country")
    @classmethod
    def _known_country(cls, value: str) -> str:
        value = value.strip().upper()
        if value and value not in holidays.list_supported_countries():
            raise ValueError(f"{value!r} is not a country the holidays package knows "
                             "(ISO 3166 alpha-2, e.g. GB, US, DE)")
        return value


class CheckinSection(_Strict):
    days: list[Weekday] = Field(default_factory=lambda: [WEEKDAYS[d] for d in CheckinConfig.weekdays],
                                description="weekdays check-ins are sent (mon..sun)")
    time: Clock = Field(CheckinConfig.at, description="local time of each person")
    answer_window_hours: int = Field(CheckinConfig.answer_window_hours, ge=1, le=36,
                                     description="hours a prompt stays answerable (at most 36, "
                                     "so every week is complete when its digest figures are sealed)")
    catch_up_hours: int = Field(CheckinConfig.catch_up_hours, ge=0, le=12,
                                description="hours a missed slot may still be sent late")

    _clock = field_validator("time", mode="before")(classmethod(lambda cls, v: _parse_clock(v)))

    @field_validator("days")
    @classmethod
    def _some_days(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("needs at least one weekday (mon..sun)")
        return sorted(set(value), key=WEEKDAYS.index)


class WorkingHours(_Strict):
    start: Clock = Field(ReminderConfig.work_start, description="earliest local time for a reminder")
    end: Clock = Field(ReminderConfig.work_end, description="latest local time for a reminder")

    _clock = field_validator("start", "end", mode="before")(classmethod(lambda cls, v: _parse_clock(v)))

    @model_validator(mode="after")
    def _ordered(self) -> WorkingHours:
        if self.start >= self.end:
            raise ValueError("start must be before end")
        return self


class ReminderSection(_Strict):
    after_hours: int = Field(ReminderConfig.after_hours, ge=0, le=12,
                             description="hours after the prompt; 0 turns reminders off")
    working_hours: WorkingHours = Field(default_factory=WorkingHours)


class DigestSection(_Strict):
    day: Weekday = Field(WEEKDAYS[DigestConfig.weekday],
                         description="weekday the digest of the week just ended is sent")
    time: Clock = Field(DigestConfig.at, description="manager's local time")

    _clock = field_validator("time", mode="before")(classmethod(lambda cls, v: _parse_clock(v)))


class PrivacySection(_Strict):
    min_group: int = Field(PrivacyConfig.min_group,
                           description=f"fewest respondents behind any figure (never below {MIN_GROUP_FLOOR})")

    @field_validator("min_group")
    @classmethod
    def _floor(cls, value: int) -> int:
        if value < MIN_GROUP_FLOOR:
            raise ValueError(f"must be at least {MIN_GROUP_FLOOR}: smaller groups let a reader single people out")
        return value


class MomentsSection(_Strict):
    max_length: int = Field(MomentsConfig.max_length, ge=100, le=TEXT_LIMIT, description="longest moment text accepted")
    touchpoints: list[str] = Field(
        default_factory=lambda: list(MomentsConfig.touchpoints),
        description=f"journey stages / touchpoints a moment can be filed under (at most {MAX_TOUCHPOINTS}, "
                    f"each at most {MAX_TOUCHPOINT_LENGTH} characters)",
    )

    @field_validator("touchpoints")
    @classmethod
    def _clean(cls, value: list[str]) -> list[str]:
        cleaned = [t.strip().lower() for t in value if t.strip()]
        if not cleaned:
            raise ValueError("needs at least one touchpoint")
        bad = [t for t in cleaned if " " in t]
        if bad:
            raise ValueError(f"touchpoints are single words (use-dashes-instead): {', '.join(bad)}")
        long = [t for t in cleaned if len(t) > MAX_TOUCHPOINT_LENGTH]
        if long:
            raise ValueError(f"touchpoints are at most {MAX_TOUCHPOINT_LENGTH} characters: {', '.join(long)}")
        unique = list(dict.fromkeys(cleaned))
        if len(unique) > MAX_TOUCHPOINTS:
            raise ValueError(f"at most {MAX_TOUCHPOINTS} touchpoints (got {len(unique)}): every moment form lists "
                             "them all")
        return unique


class RetentionSection(_Strict):
    text_months: int = Field(RetentionConfig.text_months, ge=0, le=120,
                             description="delete note and moment text older than this many "
                             "months (scores and aggregates are kept); 0 keeps text forever")


class AppYaml(_Strict):
    """The shape of app.yaml."""

    workspace: WorkspaceSection = Field(default_factory=WorkspaceSection)
    checkin: CheckinSection = Field(default_factory=CheckinSection)
    reminder: ReminderSection = Field(default_factory=ReminderSection)
    digest: DigestSection = Field(default_factory=DigestSection)
    privacy: PrivacySection = Field(default_factory=PrivacySection)
    moments: MomentsSection = Field(default_factory=MomentsSection)
    retention: RetentionSection = Field(default_factory=RetentionSection)

    def to_domain(self) -> TandemConfig:
        """The platform-neutral view handlers use."""
        return TandemConfig(
            workspace=WorkspaceDefaults(self.workspace.timezone, self.workspace.holiday_country,
                                        tuple(self.workspace.admins)),
            checkin=CheckinConfig(tuple(WEEKDAYS.index(d) for d in self.checkin.days), self.checkin.time,
                                  self.checkin.answer_window_hours, self.checkin.catch_up_hours),
            reminder=ReminderConfig(self.reminder.after_hours, self.reminder.working_hours.start,
                                    self.reminder.working_hours.end),
            digest=DigestConfig(WEEKDAYS.index(self.digest.day), self.digest.time),
            privacy=PrivacyConfig(self.privacy.min_group),
            moments=MomentsConfig(self.moments.max_length, tuple(self.moments.touchpoints)),
            retention=RetentionConfig(self.retention.text_months),
        )


class Environment(BaseSettings):
    """Deployment settings and secrets, read only from the environment."""

    model_config = SettingsConfigDict(env_prefix="", case_sensitive=False, extra="ignore")

    database_url: str = Field("", description="sqlite:///path or postgresql://...; default SQLite under ./data/")
    tandem_config: str = Field("app.yaml", description="path of the YAML defaults file")
    port: int = Field(3000, ge=1, le=65535, description="HTTP port of `serve`")
    slack_bot_token: str = Field("", description="single-workspace bot token (xoxb-...)")
    slack_signing_secret: str = Field("", description="verifies requests from Slack")
    slack_app_token: str = Field("", description="xapp-... token: use Socket Mode instead of HTTP")
    slack_client_id: str = Field("", description="OAuth client id: multi-workspace install")
    slack_client_secret: str = Field("", description="OAuth client secret: multi-workspace install")
    slack_api_url: str = Field("", description="Web API base URL (tests point it at a local fake)")
    microsoft_app_id: str = Field("", description="Teams bot app id; unset = local emulator mode")
    microsoft_app_password: str = Field("", description="Teams bot secret")
    microsoft_app_tenant_id: str = Field("", description="tenant of a single-tenant bot")
    microsoft_app_type: str = Field("MultiTenant", description="MultiTenant, SingleTenant or UserAssignedMSI")
    log_format: Literal["text", "json"] = Field("text", description="`json`: one JSON object a line")
    zendesk_webhook_secret: str = Field("", description="mounts POST /cx/zendesk: the webhook's signing secret")
    intercom_client_secret: str = Field("", description="mounts POST /cx/intercom: the app's client secret")
    freshdesk_webhook_token: str = Field("", description="mounts POST /cx/freshdesk: the token its rule sends "
                                         "in X-Tandem-Token")
    helpscout_webhook_secret: str = Field("", description="mounts POST /cx/helpscout: the webhook's secret key")
    zendesk_subdomain: str = Field("", description="pulls Zendesk ratings: https://SUBDOMAIN.zendesk.com")
    zendesk_email: str = Field("", description="the Zendesk user the API token belongs to")
    zendesk_api_token: str = Field("", description="Zendesk API token (Admin Center → Apps and integrations → APIs)")
    zendesk_api_url: str = Field("", description="Zendesk API base URL instead of the subdomain's (tests: a fake)")
    intercom_access_token: str = Field("", description="pulls Intercom conversation ratings (Developer Hub token)")
    intercom_api_url: str = Field("", description="Intercom API base URL (default https://api.intercom.io)")
    freshdesk_domain: str = Field("", description="pulls Freshdesk ratings: https://DOMAIN.freshdesk.com")
    freshdesk_api_key: str = Field("", description="Freshdesk API key (Profile settings → Your API Key)")
    freshdesk_api_url: str = Field("", description="Freshdesk API base URL instead of the domain's (tests: a fake)")
    cx_pull_minutes: int = Field(15, ge=1, le=1440, description="minutes between pulls of each configured helpdesk")


class Settings(BaseModel):
    """Everything wiring needs: validated YAML defaults plus the environment."""

    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)

    env: Environment
    app: AppYaml
    config_path: Path

    @property
    def domain(self) -> TandemConfig:
        return self.app.to_domain()


def _describe(error: ValidationError, source: str) -> str:
    lines = [f"{source} has {error.error_count()} invalid setting(s):"]
    for item in error.errors():
        key = ".".join(str(p) for p in item["loc"]) or "(top level)"
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            message = "is not a known setting"
        elif item["type"] == "literal_error":
            message = f"must be one of {', '.join(WEEKDAYS)}"
        lines.append(f"  - {key}: {message}")
    return "\n".join(lines)


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Read and validate app.yaml and the environment; raise ConfigError with every problem listed."""
    environ = dict(os.environ if environ is None else environ)
    try:
        given: dict[str, Any] = {k.lower(): v for k, v in environ.items() if k.lower() in Environment.model_fields}
        env = Environment(**given)
    except ValidationError as error:
        raise ConfigError(_describe(error, "The environment")) from None
    path = Path(env.tandem_config)
    if not path.exists():
        raise ConfigError(f"TANDEM_CONFIG: {path} does not exist (set TANDEM_CONFIG to your app.yaml)")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise ConfigError(f"{path} is not valid YAML: {error}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path} must be a mapping of sections (workspace, checkin, ...)")
    try:
        app = AppYaml.model_validate(raw)
    except ValidationError as error:
        raise ConfigError(_describe(error, str(path))) from None
    return Settings(env=env, app=app, config_path=path)

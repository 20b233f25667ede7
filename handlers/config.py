"""The settings handlers need, as plain frozen dataclasses, with every default in one place.

bot/config.py reads app.yaml into these; its fields take their defaults from here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time


@dataclass(frozen=True)
class WorkspaceDefaults:
    timezone: str = "Europe/London"
    holiday_country: str = "GB"
    admins: tuple[str, ...] = ()


@dataclass(frozen=True)
class CheckinConfig:
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)  # Monday = 0, as datetime.weekday()
    at: time = time(9, 30)
    answer_window_hours: int = 16
    catch_up_hours: int = 3


@dataclass(frozen=True)
class ReminderConfig:
    after_hours: int = 4
    work_start: time = time(8, 0)
    work_end: time = time(18, 0)


@dataclass(frozen=True)
class DigestConfig:
    weekday: int = 0
    at: time = time(9, 0)


TEXT_LIMIT = 3000  # the longest note or moment anyone can write (Slack's own input limit is 3,000)
MIN_GROUP_FLOOR = 3  # no figure ever rests on fewer people, whatever app.yaml or an admin says


@dataclass(frozen=True)
class PrivacyConfig:
    min_group: int = 5


@dataclass(frozen=True)
class MomentsConfig:
    max_length: int = TEXT_LIMIT
    touchpoints: tuple[str, ...] = ("onboarding", "sales", "support", "billing", "product", "renewal", "other")


@dataclass(frozen=True)
class RetentionConfig:
    text_months: int = 24  # 0: keep text forever


@dataclass(frozen=True)
class TandemConfig:
    workspace: WorkspaceDefaults = field(default_factory=WorkspaceDefaults)
    checkin: CheckinConfig = field(default_factory=CheckinConfig)
    reminder: ReminderConfig = field(default_factory=ReminderConfig)
    digest: DigestConfig = field(default_factory=DigestConfig)
    privacy: PrivacyConfig = field(default_factory=PrivacyConfig)
    moments: MomentsConfig = field(default_factory=MomentsConfig)
    retention: RetentionConfig = field(default_factory=RetentionConfig)

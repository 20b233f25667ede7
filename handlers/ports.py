"""The two ports the core depends on: where messages go (Messenger) and what time it is (Clock)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from handlers.messages import Message


@dataclass(frozen=True)
class Recipient:
    """Enough to reach one person on their platform; `conversation` is a stored ConversationRef."""

    person_id: int
    platform: str
    workspace_external_id: str
    platform_user_id: str
    display_name: str
    channel_id: str | None = None
    conversation: dict[str, Any] | None = None


class DeliveryFailed(Exception):
    """A send that did not go through. `retry_after` comes from HTTP 429; `permanent` means never retry."""

    def __init__(self, reason: str, *, retry_after: float | None = None, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.permanent = permanent


class Messenger(Protocol):
    """Sends platform-neutral messages to one platform; adapters render them."""

    async def send(self, recipient: Recipient, message: Message) -> None: ...


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class SimulatedClock:
    """A clock tests and the demo move by hand, so weeks pass in seconds."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("SimulatedClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = moment.astimezone(UTC)

    def advance(self, delta: timedelta) -> datetime:
        self._now += delta
        return self._now

"""What every use case needs for one request or job: the session, the time, the scorer, the settings."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.config import TandemConfig
from handlers.ports import Clock
from handlers.sentiment import Scorer


def ignore_observation(name: str, seconds: float) -> None:
    """The default observer: timings go nowhere unless the server wires metrics in."""


@dataclass
class Ctx:
    session: AsyncSession
    clock: Clock
    scorer: Scorer
    config: TandemConfig
    observe: Callable[[str, float], None] = field(default=ignore_observation)  # timings for operators

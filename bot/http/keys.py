"""The aiohttp application keys of Tandem's server, in a module of their own so routes and observers can read
them without importing the server that sets them."""
from __future__ import annotations

from aiohttp import web

from bot.delivery.scheduler import TickScheduler
from bot.http.metrics import Metrics
from bot.wiring import Deps

DEPS_KEY: web.AppKey[Deps] = web.AppKey("deps", Deps)
SCHEDULER_KEY: web.AppKey[TickScheduler] = web.AppKey("scheduler", TickScheduler)
METRICS_KEY: web.AppKey[Metrics] = web.AppKey("metrics", Metrics)

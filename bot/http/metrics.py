"""Prometheus metrics: a registry per server (built by the server, never at import time).

HTTP figures are counted per process (bot/http/observe.py); outbox and check-in figures are read from the
database at scrape time, so every replica reports the same cluster-wide numbers.
"""
from __future__ import annotations

from datetime import UTC, datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from storage import ops, outbox

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter("tandem_http_requests_total", "HTTP requests by route and status",
                                ["route", "status"], registry=r)
        self.ack_seconds = Histogram("tandem_http_ack_seconds", "Time to the HTTP response (Slack wants < 3 s)",
                                     ["route"], buckets=LATENCY_BUCKETS, registry=r)
        self.outbox_rows = Gauge("tandem_outbox_rows", "Outbox rows by kind and status (all replicas)",
                                 ["kind", "status"], registry=r)
        self.outbox_backlog = Gauge("tandem_outbox_backlog", "Messages waiting to be sent", registry=r)
        self.outbox_oldest = Gauge("tandem_outbox_oldest_age_seconds", "Age of the oldest waiting message",
                                   registry=r)
        self.outbox_retries = Gauge("tandem_outbox_retries", "Send attempts that had to be retried", registry=r)
        self.checkins_sent = Gauge("tandem_checkins_sent", "Check-in prompts delivered", registry=r)
        self.checkins_answered = Gauge("tandem_checkins_answered", "Check-ins answered", registry=r)
        self.delivery_failures = Gauge("tandem_outbox_failed", "Messages given up after bounded retries",
                                       registry=r)
        self.digest_seconds = Histogram("tandem_digest_build_seconds", "Time to build one team digest",
                                        buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10), registry=r)

    def observe(self, name: str, seconds: float) -> None:
        """Timings the core reports through Ctx.observe."""
        if name == "digest_build_seconds":
            self.digest_seconds.observe(seconds)

    async def refresh_from_database(self, session) -> None:  # AsyncSession
        figures = await ops.outbox_figures(session)
        for (kind, status), count in figures.rows.items():
            self.outbox_rows.labels(kind=kind, status=status).set(count)
        self.outbox_retries.set(figures.retries)
        self.checkins_sent.set(figures.rows.get(("checkin", "sent"), 0))
        self.delivery_failures.set(sum(c for (_, s), c in figures.rows.items() if s == "failed"))
        waiting, oldest = await outbox.backlog(session, datetime.now(UTC))
        self.outbox_backlog.set(waiting)
        self.outbox_oldest.set((datetime.now(UTC) - oldest).total_seconds() if oldest else 0)
        self.checkins_answered.set(await ops.answered_checkins(session))

    def exposition(self) -> bytes:
        return generate_latest(self.registry)

"""Delivery in `serve` and the demo: the scheduled jobs, the outbox drain, its rate pacer and its claims."""

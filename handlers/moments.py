"""Customer moments: logged in seconds, scored for sentiment, filed under the author's team."""
from __future__ import annotations

from handlers import commands as c
from handlers.context import Ctx
from handlers.errors import BadArguments, NotFound
from handlers.identity import person_today
from handlers.messages import OUTCOMES, MomentForm, MomentLogged, Reply, Text
from handlers.text_limits import within_limit
from storage import moments, teams
from storage.models import CustomerMoment, Person

MAX_CUSTOMER_REF = 200


async def open_form(ctx: Ctx, person: Person, command: c.OpenMomentForm) -> Reply:
    """The moment form, prefilled (from a message shortcut) or empty."""
    cfg = ctx.config.moments
    return Reply.of(MomentForm(touchpoints=cfg.touchpoints, text=command.text[: cfg.max_length],
                               source_link=command.source_link, max_length=cfg.max_length))


def _check_details(ctx: Ctx, outcome: str | None, touchpoint: str | None, customer: str | None) -> None:
    if outcome is not None and outcome not in OUTCOMES:
        raise BadArguments(f"“{outcome}” is not an outcome. Use positive, mixed or negative.")
    allowed = ctx.config.moments.touchpoints
    if touchpoint is not None and touchpoint not in allowed:
        raise BadArguments(f"“{touchpoint[:40]}” is not a touchpoint. Use one of: {', '.join(allowed)}.")
    if customer is not None and len(customer) > MAX_CUSTOMER_REF:
        raise BadArguments(f"A customer reference can be up to {MAX_CUSTOMER_REF} characters.")


async def log_moment(ctx: Ctx, person: Person, command: c.LogMoment) -> Reply:
    """Store a moment with its sentiment; outcome and touchpoint can follow later."""
    body = (command.text or "").strip()
    outcome, touchpoint, customer = command.outcome, command.touchpoint, command.customer
    source_link = command.source_link
    if not body:
        raise BadArguments("Tell me what happened with the customer — the moment is empty.")
    within_limit(body, "moment", ctx.config.moments.max_length)
    customer = (customer or "").strip() or None
    touchpoint = touchpoint.strip().lower() if touchpoint else None
    _check_details(ctx, outcome, touchpoint, customer)
    now = ctx.clock.now()
    local_date = person_today(ctx, person)
    member_of = await teams.member_teams(ctx.session, person.id, local_date)
    sentiment = ctx.scorer.score(body)
    moment = await moments.add_moment(ctx.session, CustomerMoment(
        workspace_id=person.workspace_id, person_id=person.id, team_id=member_of[0].id if member_of else None,
        local_date=local_date, text=body, polarity=sentiment.polarity, label=sentiment.label,
        sentiment_version=ctx.scorer.version, outcome=outcome, touchpoint=touchpoint, customer_ref=customer,
        source_link=(source_link or None) and source_link[:500], created_at=now))
    return Reply.of(_logged(ctx, moment))


async def set_moment_details(ctx: Ctx, person: Person, moment_id: int, *, outcome: str | None = None,
                             touchpoint: str | None = None) -> Reply:
    """Set the outcome or touchpoint of one of the person's own moments."""
    _check_details(ctx, outcome, touchpoint, None)
    moment = await moments.get_moment(ctx.session, moment_id)
    if moment is None or moment.person_id != person.id:
        raise NotFound("I can't find that moment among yours.")
    if outcome is not None:
        moment.outcome = outcome
    if touchpoint is not None:
        moment.touchpoint = touchpoint
    return Reply.of(_logged(ctx, moment))


async def set_details(ctx: Ctx, person: Person, command: c.SetMomentDetails) -> Reply:
    """A pick on a moment's card; a pick of neither is refused, so nothing is silently ignored."""
    if command.outcome is None and command.touchpoint is None:
        raise BadArguments("Pick an outcome or a touchpoint first, then Save.")
    return await set_moment_details(ctx, person, command.moment_id, outcome=command.outcome,
                                    touchpoint=command.touchpoint)


async def dismiss(ctx: Ctx, person: Person, _: c.Dismiss) -> Reply:
    return Reply.of(Text("Okay — nothing was changed."))


def _logged(ctx: Ctx, moment: CustomerMoment) -> MomentLogged:
    return MomentLogged(moment_id=moment.id, outcome=moment.outcome, touchpoint=moment.touchpoint,
                        sentiment_label=moment.label, touchpoints=ctx.config.moments.touchpoints)

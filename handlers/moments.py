"""Customer moments: logged in seconds, scored for sentiment, filed under the author's team."""
from __future__ import annotations

from handlers.context import Ctx
from handlers.errors import BadArguments, NotFound
from handlers.identity import person_zone_name
from handlers.localtime import zone
from handlers.messages import OUTCOMES, MomentForm, MomentLogged, Reply
from storage import moments, teams
from storage.models import CustomerMoment, Person

USAGE = "/moment [what happened] [outcome:positive|mixed|negative] [touchpoint:NAME] [customer:REF]"
MAX_CUSTOMER_REF = 200


def moment_form(ctx: Ctx, text: str = "", source_link: str | None = None) -> MomentForm:
    cfg = ctx.config.moments
    return MomentForm(touchpoints=cfg.touchpoints, text=text[: cfg.max_length], source_link=source_link,
                      max_length=cfg.max_length)


def _check_details(ctx: Ctx, outcome: str | None, touchpoint: str | None, customer: str | None) -> None:
    if outcome is not None and outcome not in OUTCOMES:
        raise BadArguments(f"“{outcome}” is not an outcome. Use positive, mixed or negative.", USAGE)
    allowed = ctx.config.moments.touchpoints
    if touchpoint is not None and touchpoint not in allowed:
        raise BadArguments(f"“{touchpoint[:40]}” is not a touchpoint. Use one of: {', '.join(allowed)}.", USAGE)
    if customer is not None and len(customer) > MAX_CUSTOMER_REF:
        raise BadArguments(f"A customer reference can be up to {MAX_CUSTOMER_REF} characters.", USAGE)


async def log_moment(ctx: Ctx, person: Person, text: str, *, outcome: str | None = None,
                     touchpoint: str | None = None, customer: str | None = None,
                     source_link: str | None = None) -> Reply:
    """Store a moment with its sentiment; outcome and touchpoint can follow later."""
    body = (text or "").strip()
    limit = ctx.config.moments.max_length
    if not body:
        raise BadArguments("Tell me what happened with the customer — the moment is empty.", USAGE)
    if len(body) > limit:
        raise BadArguments(f"That moment is {len(body):,} characters; a moment can be up to {limit:,}. "
                           "Nothing was saved — shorten it and try again.", USAGE)
    customer = (customer or "").strip() or None
    touchpoint = touchpoint.strip().lower() if touchpoint else None
    _check_details(ctx, outcome, touchpoint, customer)
    now = ctx.clock.now()
    local_date = now.astimezone(zone(person_zone_name(person))).date()
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


def _logged(ctx: Ctx, moment: CustomerMoment) -> MomentLogged:
    return MomentLogged(moment_id=moment.id, outcome=moment.outcome, touchpoint=moment.touchpoint,
                        sentiment_label=moment.label, touchpoints=ctx.config.moments.touchpoints)

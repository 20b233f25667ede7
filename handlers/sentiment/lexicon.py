"""Words people use at work that general-purpose lexicons miss or misread.

VADER's and TextBlob's lexicons come from tweets, movie reviews and product reviews: they have no
entry for "swamped", "understaffed" or "churned", and they read "killing it" and "crushed it" as
violence. Each entry is (phrase, valence on VADER's -4..+4 scale, why). Multi-word phrases become a
single token before scoring, so VADER's negation and "but" rules still apply ("not swamped").
Values follow VADER's anchors (1 mild, 2 clear, 3 strong) and were set by reading, not fitted.
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class LexiconEntry:
    """One phrase, how it feels in a check-in or customer note, and why we believe that."""

    phrase: str
    valence: float
    reason: str


WORKPLACE_LEXICON: tuple[LexiconEntry, ...] = (
    # --- workload and wellbeing
    LexiconEntry("swamped", -1.8, "overloaded with work; absent from VADER and TextBlob"),
    LexiconEntry("slammed", -1.6, "at work means 'extremely busy', not a door"),
    LexiconEntry("burned out", -2.8, "exhaustion from work; 'burned'/'out' alone carry nothing"),
    LexiconEntry("burnt out", -2.8, "spelling variant of burned out"),
    LexiconEntry("burnout", -2.8, "the noun for the same state"),
    LexiconEntry("understaffed", -2.0, "too few people for the work"),
    LexiconEntry("short-staffed", -2.0, "too few people for the work"),
    LexiconEntry("short staffed", -2.0, "too few people for the work"),
    LexiconEntry("overworked", -2.2, "unsustainable load"),
    LexiconEntry("overwhelmed", -2.2, "VADER lacks the adjective form"),
    LexiconEntry("stretched thin", -1.8, "too many commitments"),
    LexiconEntry("drowning", -2.0, "idiom for far too much work"),
    LexiconEntry("underwater", -1.5, "idiom for behind on work"),
    LexiconEntry("crunch", -1.4, "crunch time: forced overtime before a deadline"),
    LexiconEntry("crunch time", -1.4, "forced overtime before a deadline"),
    LexiconEntry("overtime", -1.0, "working beyond normal hours"),
    LexiconEntry("late night", -1.0, "in a check-in, working late"),
    LexiconEntry("late nights", -1.2, "repeated late work"),
    LexiconEntry("all-nighter", -1.6, "worked through the night"),
    LexiconEntry("running on fumes", -2.2, "exhausted"),
    LexiconEntry("on fumes", -2.0, "exhausted"),
    LexiconEntry("micromanaged", -2.0, "loss of autonomy"),
    LexiconEntry("micromanaging", -2.0, "loss of autonomy"),
    LexiconEntry("firefighting", -1.4, "handling one emergency after another"),
    LexiconEntry("fire drill", -1.2, "a sudden urgent scramble"),
    LexiconEntry("context switching", -1.0, "fragmented focus"),
    LexiconEntry("back-to-back", -0.8, "wall of meetings"),
    LexiconEntry("back to back", -0.8, "wall of meetings"),
    LexiconEntry("blocker", -1.2, "something stopping the work"),
    LexiconEntry("blockers", -1.2, "things stopping the work"),
    LexiconEntry("bottleneck", -1.2, "work piling up at one point"),
    LexiconEntry("backlog", -0.6, "unfinished work piling up; mild"),
    LexiconEntry("scope creep", -1.5, "work growing without agreement"),
    LexiconEntry("behind schedule", -1.6, "late against plan"),
    LexiconEntry("overdue", -1.2, "late"),
    LexiconEntry("slipped", -1.0, "a date slipped"),
    LexiconEntry("flaky", -1.2, "unreliable tests or systems"),
    LexiconEntry("paged", -1.2, "woken or interrupted by an alert"),
    LexiconEntry("layoffs", -2.8, "people losing jobs"),
    LexiconEntry("laid off", -2.8, "lost one's job"),
    LexiconEntry("reorg", -0.8, "uncertainty from restructuring"),
    LexiconEntry("sick day", -1.0, "unwell"),
    LexiconEntry("hectic", -1.2, "chaotic busyness"),
    LexiconEntry("nonstop", -0.6, "no break"),
    LexiconEntry("rough week", -1.8, "'rough' alone is neutral in VADER"),
    LexiconEntry("rough day", -1.8, "'rough' alone is neutral in VADER"),
    LexiconEntry("long week", -1.2, "tiring week"),
    LexiconEntry("long day", -1.0, "tiring day"),
    # --- delivery and customers, negative
    LexiconEntry("escalated", -1.5, "a customer problem went up the chain"),
    LexiconEntry("escalation", -1.5, "a customer problem went up the chain"),
    LexiconEntry("escalations", -1.5, "customer problems went up the chain"),
    LexiconEntry("churned", -2.4, "the customer left"),
    LexiconEntry("churn", -1.8, "customers leaving"),
    LexiconEntry("churning", -2.0, "customer about to leave"),
    LexiconEntry("refund", -1.2, "a customer asked for their money back"),
    LexiconEntry("refunds", -1.2, "customers asked for their money back"),
    LexiconEntry("refunded", -1.0, "money returned after a failure"),
    LexiconEntry("chargeback", -2.2, "disputed payment"),
    LexiconEntry("outage", -2.2, "service down for customers"),
    LexiconEntry("outages", -2.2, "service down for customers"),
    LexiconEntry("downtime", -1.6, "service unavailable"),
    LexiconEntry("went down", -1.6, "a service failed"),
    LexiconEntry("incident", -1.2, "production incident"),
    LexiconEntry("sev1", -2.2, "highest-severity incident"),
    LexiconEntry("sev 1", -2.2, "highest-severity incident"),
    LexiconEntry("p1", -1.6, "top-priority problem"),
    LexiconEntry("bug", -1.0, "defect"),
    LexiconEntry("bugs", -1.0, "defects"),
    LexiconEntry("regression", -1.4, "something that worked broke"),
    LexiconEntry("rollback", -1.0, "a change had to be undone"),
    LexiconEntry("rolled back", -1.0, "a change had to be undone"),
    LexiconEntry("data loss", -2.8, "customer data lost"),
    LexiconEntry("cancellation", -1.6, "customer cancelling"),
    LexiconEntry("canceled", -1.0, "US spelling; VADER only has 'cancelled'"),
    LexiconEntry("cancelling", -1.2, "customer leaving"),
    LexiconEntry("downgraded", -1.8, "customer reduced their plan"),
    LexiconEntry("downgrade", -1.4, "customer reducing their plan"),
    LexiconEntry("unresponsive", -1.5, "no reply, or a hung system"),
    LexiconEntry("ghosted", -1.8, "stopped replying"),
    LexiconEntry("at risk", -1.5, "renewal or project in danger"),
    LexiconEntry("detractor", -1.8, "NPS detractor"),
    LexiconEntry("detractors", -1.8, "NPS detractors"),
    LexiconEntry("one star", -2.4, "worst review"),
    LexiconEntry("1 star", -2.4, "worst review"),
    LexiconEntry("1-star", -2.4, "worst review"),
    LexiconEntry("pushback", -0.8, "resistance"),
    LexiconEntry("crashed", -1.8, "VADER has 'crash' but not 'crashed'"),
    LexiconEntry("crashing", -1.8, "system failing"),
    LexiconEntry("broke prod", -2.4, "broke production"),
    LexiconEntry("fell through", -1.8, "a deal or plan failed"),
    LexiconEntry("lost the deal", -2.2, "sales loss"),
    LexiconEntry("no-show", -1.2, "someone didn't turn up"),
    # --- positive
    LexiconEntry("shout-out", 2.0, "public thanks"),
    LexiconEntry("shout out", 2.0, "public thanks"),
    LexiconEntry("shoutout", 2.0, "public thanks"),
    LexiconEntry("shoutouts", 2.0, "public thanks"),
    LexiconEntry("props", 1.6, "credit for good work"),
    LexiconEntry("high five", 1.8, "celebration"),
    LexiconEntry("high-five", 1.8, "celebration"),
    LexiconEntry("nailed it", 2.6, "did it very well"),
    LexiconEntry("crushed it", 2.6, "did it very well; VADER reads 'crushed' as negative"),
    LexiconEntry("crushing it", 2.6, "doing very well; VADER reads 'crushing' as negative"),
    LexiconEntry("killed it", 2.6, "did it very well; VADER reads 'killed' as violence"),
    LexiconEntry("killing it", 2.6, "doing very well; VADER reads 'killing' as violence"),
    LexiconEntry("smashed it", 2.4, "did it very well"),
    LexiconEntry("shipped", 1.4, "delivered to users"),
    LexiconEntry("went live", 1.4, "launched"),
    LexiconEntry("unblocked", 1.6, "the obstacle is gone"),
    LexiconEntry("pulled together", 1.8, "a team rallied under pressure; neither word carries feeling alone"),
    LexiconEntry("renewed", 1.8, "customer stayed"),
    LexiconEntry("renewal", 0.8, "customer staying; mild as it may be in doubt"),
    LexiconEntry("upsell", 1.4, "customer buying more"),
    LexiconEntry("upsold", 1.6, "customer bought more"),
    LexiconEntry("upgraded", 1.4, "customer moved to a larger plan"),
    LexiconEntry("expanded", 1.0, "customer grew their account"),
    LexiconEntry("closed the deal", 2.2, "sales win"),
    LexiconEntry("closed won", 2.2, "CRM stage for a won deal"),
    LexiconEntry("five stars", 2.6, "best review"),
    LexiconEntry("five-star", 2.6, "best review"),
    LexiconEntry("5 stars", 2.6, "best review"),
    LexiconEntry("5-star", 2.6, "best review"),
    LexiconEntry("promoter", 1.6, "NPS promoter"),
    LexiconEntry("promoters", 1.6, "NPS promoters"),
    LexiconEntry("testimonial", 1.6, "customer praise"),
    LexiconEntry("referral", 1.2, "customer recommended us"),
    LexiconEntry("fixed", 1.0, "problem solved"),
    LexiconEntry("on track", 1.2, "going to plan"),
    LexiconEntry("ahead of schedule", 2.0, "better than plan"),
    LexiconEntry("productive", 1.8, "got things done; VADER lacks it"),
    LexiconEntry("promotion", 2.0, "career step"),
    LexiconEntry("pto", 1.2, "time off"),
    LexiconEntry("vacation", 1.4, "time off"),
    LexiconEntry("day off", 1.2, "time off"),
    LexiconEntry("recharged", 1.8, "rested"),
    LexiconEntry("well rested", 1.8, "rested"),
    LexiconEntry("smooth", 1.2, "no friction"),
    LexiconEntry("smoothly", 1.4, "no friction"),
    LexiconEntry("lgtm", 1.0, "looks good to me"),
    LexiconEntry("thank you", 1.8, "gratitude as one unit, so 'thank' + 'you' isn't split"),
    LexiconEntry("appreciated", 1.8, "VADER lacks the past participle"),
    LexiconEntry("aced", 2.2, "did it very well"),
    LexiconEntry("stoked", 2.2, "excited"),
    LexiconEntry("pumped", 1.8, "excited"),
    LexiconEntry("could be better", -1.2, "idiom: things are not good"),
    LexiconEntry("could be worse", 0.8, "idiom: things are tolerable"),
    LexiconEntry("could have been worse", 0.8, "idiom: things are tolerable"),
    LexiconEntry("surviving", -0.6, "in a check-in, just getting by; VADER reads 'survive' as +1.2"),
    LexiconEntry("p1s", -1.6, "top-priority problems"),
    LexiconEntry("wfh", 0.0, "work from home; neutral, listed so it is never guessed"),
    # --- apologies signal a problem at work ("sorry" is -0.3 in VADER)
    LexiconEntry("apologies", -0.8, "apologising for a problem"),
    LexiconEntry("sorry", -0.8, "at work, an apology means something went wrong"),
)

# VADER entries that read wrongly in work chat, corrected.
VADER_CORRECTIONS: tuple[LexiconEntry, ...] = (
    LexiconEntry("d:", -1.6, "the 'D:' dismay emoticon; VADER lists it as +1.2"),
    LexiconEntry("fire", -0.6, "'fire' at work is an incident or firefighting; VADER's -1.4 is for disasters"),
    LexiconEntry("sick", -1.4, "'out sick' is mild; VADER's -2.3 is for 'sickening'"),
    LexiconEntry("kill", -1.6, "'kill the job', 'kill the feature' are routine work phrasing"),
    LexiconEntry("ok", 0.5, "'ok' in a check-in is a shrug; VADER's +1.2 reads it as pleased"),
    LexiconEntry("okay", 0.5, "as 'ok'"),
    LexiconEntry("resolved", 1.4, "an issue closed is clearly good news; VADER has +0.7"),
)


def phrase_token(phrase: str) -> str:
    """The single token a phrase becomes, e.g. 'burned out' -> 'burned_out'."""
    return re.sub(r"[\s\-]+", "_", phrase.lower())


def lexicon_entries() -> dict[str, float]:
    """Token -> valence for every curated entry (workplace words and corrections)."""
    return {phrase_token(e.phrase): e.valence for e in (*WORKPLACE_LEXICON, *VADER_CORRECTIONS)}


class PhraseFinder:
    """One regex that finds every multi-word or hyphenated phrase, longest first, and the phrases' first
    words: a text holding none of them cannot match, and most texts hold none, so most skip the regex (an
    alternation of every phrase, tried at each position, is the slowest step of reading a text)."""

    _WORD = re.compile(r"\w+")

    def __init__(self) -> None:
        phrases = sorted(
            {e.phrase for e in WORKPLACE_LEXICON if phrase_token(e.phrase) != e.phrase.lower()},
            key=len,
            reverse=True,
        )
        body = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases)
        self.pattern = re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.IGNORECASE)
        firsts = [self._WORD.match(p.lower()) for p in phrases]
        self._firsts = frozenset(m.group(0) for m in firsts if m) if all(firsts) else None

    def tokens_for(self, text: str) -> str:
        """Each phrase as its one lexicon token ("could be better" -> could_be_better)."""
        if self._firsts is not None and self._firsts.isdisjoint(self._WORD.findall(text.lower())):
            return text
        return self.pattern.sub(lambda m: phrase_token(m.group(0)), text)

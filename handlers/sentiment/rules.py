"""Sentence-level rules for work chat that word lexicons cannot express.

Each rule is small, generic and switchable (see `Mix` in handlers/sentiment/scorer.py), so the
bench can measure what it adds on every human-rated set, not only on the one that suggested it.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence

# Contrast: in "X but Y", "X, however Y", "X, though Y" people weigh Y more. VADER's own weights
# (0.5 before, 1.5 after) are used for every marker. "though" after "even"/"as" starts a subordinate
# clause ("I went even though I was tired"), so it is not a contrast there; a marker as the first or
# last word has no clause on one side and is ignored.
CONTRAST_WORDS = frozenset({"but", "however", "though"})
_NOT_CONTRAST_BEFORE_THOUGH = frozenset({"even", "as"})
BEFORE_CONTRAST = 0.5
AFTER_CONTRAST = 1.5


def contrast_index(words: Sequence[str]) -> int | None:
    """Index of the first contrast marker in lower-cased `words` that has words on both sides."""
    for i in range(1, len(words) - 1):
        word = words[i]
        if word in CONTRAST_WORDS:
            if word == "though" and words[i - 1] in _NOT_CONTRAST_BEFORE_THOUGH:
                continue
            return i
    return None


def weigh_contrast(words: Sequence[str], sentiments: list[float]) -> list[float]:
    """VADER's 'but' rule, for every contrast marker, by position (VADER's own matches by value)."""
    lowered = [str(w).lower() for w in words]
    at = contrast_index(lowered)
    if at is None:
        return sentiments
    return [
        s * BEFORE_CONTRAST if i < at else s * AFTER_CONTRAST if i > at else s
        for i, s in enumerate(sentiments)
    ]


# Negated events: at work, the absence of a bad event is good news ("nothing broke", "no customer
# impact", "never had an issue", "not a single complaint"). VADER flips only words in its lexicon and
# reads "break", "issue", "page" as neutral; TextBlob has no event words at all. So a negator that
# directly governs a bad-event word becomes one positive token. Only tight forms are matched
# (negator + at most one modifier + event), so "haven't fixed the bug" or "didn't notice the outage"
# are left alone: there the negator governs another verb, and the event did happen.
_EVENT_NOUNS = (
    r"(?:issues?|problems?|complaints?|incidents?|impact|errors?|bugs?|outages?|downtime|pages?"
    r"|alerts?|escalations?|hiccups?|glitch(?:es)?|surprises|drama|regressions?|rollbacks?"
    r"|failures?|crash(?:es)?|churn|blockers?)"
)
_EVENT_VERBS = (
    r"(?:break|broke|crash(?:ed)?|fail(?:ed)?|go\s+down|went\s+down|go\s+wrong|went\s+wrong"
    r"|complain(?:ed)?|churn(?:ed)?|cancel(?:l?ed)?|blow\s+up|blew\s+up|explode[d]?)"
)
_NEGATED_EVENT_PATTERNS = (
    # "no customer impact", "zero downtime", "not a single complaint", "without any issues"
    rf"\b(?:no|zero|not\s+a\s+single|not\s+one|without(?:\s+any)?)\s+(?:[a-z]+\s+)?{_EVENT_NOUNS}\b",
    # "nothing broke", "nothing went wrong", "nobody complained"
    rf"\b(?:nothing|nobody|no\s+one|none\s+of\s+them)\s+{_EVENT_VERBS}\b",
    # "the migration didn't break anything", "they never complained"
    rf"\b(?:didn't|did\s+not|didnt|never|hasn't|has\s+not|haven't|have\s+not|won't|doesn't)"
    rf"\s+(?:even\s+)?{_EVENT_VERBS}\b",
    # "never had an issue", "haven't seen a single error"
    rf"\b(?:never|haven't|hasn't|didn't|did\s+not|have\s+not|has\s+not)\s+(?:had|have|hit|seen|see|got|get)"
    rf"\s+(?:a|an|any|one|a\s+single)?\s*(?:[a-z]+\s+)?{_EVENT_NOUNS}\b",
)
NEGATED_EVENT = re.compile("|".join(f"(?:{p})" for p in _NEGATED_EVENT_PATTERNS), re.IGNORECASE)
# Cheap pre-check on the lower-cased text (case-insensitive alternations cost several us per text;
# most texts contain no negator at all).
_NEGATOR = re.compile(r"\b(?:no|zero|not|without|nothing|nobody|none|never|didnt)\b|n't\b")
NEGATED_EVENT_TOKEN = "negated_bad_event"
# "not the worst", like "could be worse": things are tolerable.
NOT_THE_WORST = re.compile(r"\bnot\s+(?:the|that)\s+(?:worst|bad)\b", re.IGNORECASE)
NOT_THE_WORST_TOKEN = "not_the_worst"
# "wasn't as smooth as we hoped", "not as fast as expected": a hope that fell short is a disappointment,
# whatever the adjective. VADER flips the adjective at half weight or, with "as ... as" in between,
# not at all ("not" is out of its three-word reach of "hoped").
FELL_SHORT = re.compile(
    r"\b(?:wasn't|was\s+not|isn't|is\s+not|weren't|were\s+not|aren't|are\s+not|not)\s+(?:quite\s+|really\s+)?"
    r"as\s+\w+\s+as\s+(?:\w+\s+)?(?:hoped|expected|planned|promised|wanted|needed|advertised)\b",
    re.IGNORECASE,
)
FELL_SHORT_TOKEN = "fell_short_of_hopes"
NEGATED_EVENT_LEXICON = {
    NEGATED_EVENT_TOKEN: 1.5,  # clear but calm good news (VADER's 1 = mild, 2 = clear)
    NOT_THE_WORST_TOKEN: 0.8,  # mild, the same as "could be worse"
    FELL_SHORT_TOKEN: -1.5,  # clear but calm disappointment, the mirror of a negated bad event
}


def mark_negated_events(text: str) -> str:
    """Replace negated bad events by a positive token ("nothing broke" -> negated_bad_event), and
    hopes that fell short by a negative one."""
    lowered = text.lower()
    if not _NEGATOR.search(lowered):
        return text
    if NEGATED_EVENT.search(lowered):
        text = NEGATED_EVENT.sub(NEGATED_EVENT_TOKEN, text)
    if "not" in lowered and NOT_THE_WORST.search(lowered):
        text = NOT_THE_WORST.sub(NOT_THE_WORST_TOKEN, text)
    if " as " in lowered and FELL_SHORT.search(lowered):
        text = FELL_SHORT.sub(FELL_SHORT_TOKEN, text)
    return text


# Sarcasm, only in its most common generalisable form at work: a positive interjection opening a
# short clause that then reports a bad event ("great, another outage", "love it when the VPN drops",
# "yay, more meetings", "thanks a lot, CI, for failing"), or an explicit "/s". The interjection must
# stand alone ("great," / "oh fantastic") -- "great news, the outage is over" and "love how fast you
# fixed it" are sincere and not matched. Everything else is left to the lexicons: most sarcasm needs
# context a scorer does not have.
_INTERJECTION = re.compile(
    r"(?:^|(?<=[.!?;]\s))\s*(?:oh\s+|just\s+|so\s+|wow,?\s+)?"
    r"(?:(?:great|fantastic|wonderful|perfect|awesome|lovely|brilliant|nice|yay|cool|amazing|super"
    r"|terrific|excellent|splendid|sweet|wow|what\s+a\s+surprise|great\s+job(?:\s+everyone)?"
    r"|thanks\s+a\s+lot|thanks\s+so\s+much|just\s+what\s+i\s+needed)\s*[,!:\u2026]+"
    r"|(?:love|loving|adore)\s+(?:it\s+when|when|getting|spending|being|having)"
    r"|(?:so\s+)?(?:glad|excited|thrilled|happy)\s+(?:that\s+|for\s+|to\s+be\s+)?(?:another|more|yet)"
    r"|(?:so\s+)?thrilled\s+to\s+be)",
    re.IGNORECASE,
)
# Bad events that carry no feeling in a lexicon: systems failing, work piling up, repetition. Words a
# lexicon already scores negative ("outage", "escalated", "crashed") need not be listed: a clause with
# negative lexicon valence counts as a bad event too (see `is_sarcastic`).
_BAD_EVENT = re.compile(
    r"\b(?:down|broke|broken|breaks?|crash(?:ed|es|ing)?|fail(?:ed|ing|s)?|red|bugs?|paged|meetings?"
    r"|blocked|deadline|died|dead|late|overtime|weekend|delayed|slipped|lost|deleted"
    r"|drops?|dropped|dropping|offline|timing\s+out|times\s+out|timed\s+out"
    r"|again|another|more)\b",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(r"[.;?]|!(?=\s)|$")
SARCASM_MAX_WORDS = 20
_EXPLICIT = re.compile(r"(?:^|\s)/s\b")


def is_sarcastic(text: str, valence: Callable[[str], float]) -> bool:
    """An explicit '/s', or a standalone positive interjection followed, in a short clause, by a bad
    event: a listed cue with no positive lexicon word ("yay, more meetings", but not "yay, another good
    interview"), or a clause that the lexicons score negative. `valence` scores a clause."""
    if "/s" in text and _EXPLICIT.search(text):
        return True
    for match in _INTERJECTION.finditer(text):
        rest = text[match.end() :]
        end = _CLAUSE_END.search(rest)  # always found: the pattern ends with `|$`
        clause = rest[: end.start()] if end else rest
        if len(clause.split()) > SARCASM_MAX_WORDS:
            continue
        clause_valence = valence(clause)
        if clause_valence < 0 or (clause_valence == 0 and _BAD_EVENT.search(clause)):
            return True
    return False

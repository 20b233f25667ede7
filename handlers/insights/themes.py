"""The themes of a team's week: what its notes, customer moments and customers' comments were about.

A theme is either one of the workplace themes managers act on (workload, outages, billing, ...: THEMES,
matched on Snowball stems, so "invoices" finds billing) or a key phrase found in the text itself: a content
word or a two-word phrase (stemmed; stop words and pure opinion words like "great" are not topics). Each is
counted by distinct people (authors of notes and moments, the agents customers commented on) and given the
mean tone of the texts that raised it.

Privacy (handlers/insights/privacy.py's rules, applied to themes):
- a theme is shown only when at least `min_group` distinct people raised it, with its count and tone and
  never a quote, a name or which kind of text it came from;
- overlapping teams: when two teams sharing members both show a theme and the people behind it differ by
  fewer than `min_group` (but not zero), the smaller team's theme is withheld, so two digests can't be
  subtracted to learn who raised it;
- weeks are independent (a theme raised by two people in each of two weeks is shown in neither), and a
  settled week's digest is frozen with its themes.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from handlers.insights import privacy
from handlers.insights.report import Theme
from handlers.sentiment import label_for
from storage.themes import ThemeText

MAX_THEMES = 5  # a digest names at most this many themes, those raised by the most people first

# The workplace themes Tandem knows, with the words and phrases that raise each (matched on stems).
THEMES: dict[str, tuple[str, ...]] = {
    "workload": ("workload", "overloaded", "swamped", "overtime", "late night", "late nights", "too much work",
                 "capacity", "understaffed", "burnout", "burned out", "burnt out", "stretched thin", "drowning",
                 "backlog", "deadline", "crunch", "weekend work", "no time", "exhausted", "overwhelmed"),
    "outages": ("outage", "downtime", "incident", "went down", "is down", "was down", "crash", "crashed",
                "timeout", "timing out", "latency", "degraded", "sev1", "sev2", "postmortem", "on-call", "on call",
                "pager", "paged", "broke", "broken", "bug", "bugs", "error", "errors"),
    "billing": ("billing", "invoice", "invoiced", "refund", "charge", "charged", "chargeback", "pricing", "price",
                "payment", "discount", "overcharged", "subscription", "renewal", "contract"),
    "onboarding": ("onboarding", "onboarded", "new hire", "new hires", "setup", "set up", "kickoff", "first week",
                   "training", "ramp up", "getting started"),
    "recognition": ("kudos", "shoutout", "shout-out", "recognition", "recognised", "recognized", "appreciated",
                    "praise", "thank you note", "promoted", "promotion", "celebrate", "celebrated"),
    "tooling": ("tool", "tools", "tooling", "jira", "laptop", "vpn", "pipeline", "ci", "build", "deploy",
                "deployment", "software", "dashboard", "crm", "slow tools"),
    "meetings": ("meeting", "meetings", "standup", "stand-up", "status update", "status updates",
                 "interruptions", "focus time", "calendar"),
    "response times": ("response time", "took days", "waiting", "no reply", "slow reply", "slow response",
                       "queue", "sla", "follow up", "follow-up", "escalation", "escalated"),
    "communication": ("communication", "unclear", "priorities", "requirements changed", "changed again",
                      "feedback", "transparency", "alignment", "miscommunication"),
    "time off": ("day off", "vacation", "holiday", "leave", "pto", "sick", "time off", "weekend"),
}

# VADER valence from which a word is a feeling rather than a topic ("great" 3.1, "bad" -2.5, "nice" 1.8), set
# by reading the lexicon, not fitted: below it are topics people raise ("support" 1.7, "conflict" -1.3).
OPINION_VALENCE = 1.8
STOP_WORDS_PATH = Path(__file__).with_name("stop_words.txt")

# Longer "words" are not topics (pasted ids, hashes, keyboard mashing); "internationalisation" is 20.
MAX_TOPIC_WORD = 24
_PLACEHOLDER = re.compile(r"\[[a-z\-]+\]")  # what clean_excerpt puts for a link or an e-mail address
_WORD = re.compile(r"[a-z][a-z0-9'\-]*[a-z0-9]|[a-z]")
_SHORTCODE = re.compile(r":[a-z0-9_+\-]+:")


@cache
def _stemmer():  # nltk's Snowball stemmer: shipped with textblob's nltk, nothing to download
    from nltk.stem.snowball import SnowballStemmer

    return SnowballStemmer("english")


@cache
def stem(word: str) -> str:
    return str(_stemmer().stem(word))


@cache
def stop_words() -> frozenset[str]:
    """Words never a topic on their own (stop_words.txt); opinion words are left out by _opinion_words."""
    lines = STOP_WORDS_PATH.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@cache
def _opinion_words() -> frozenset[str]:
    """Words whose meaning is mostly a feeling (VADER's lexicon, |valence| >= OPINION_VALENCE): the tone
    says those, a theme names a topic."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    lexicon = SentimentIntensityAnalyzer().lexicon
    return frozenset(w for w, valence in lexicon.items() if w.isalpha() and abs(valence) >= OPINION_VALENCE)


def tokens(text: str) -> list[str]:
    """Lower-case words of a text, cleaned as quotes are (no mentions, links, e-mail, markup, :shortcodes:)."""
    cleaned = _PLACEHOLDER.sub(" ", _SHORTCODE.sub(" ", privacy.clean_excerpt(text, limit=len(text) + 1).lower()))
    return [w.strip("'-") for w in _WORD.findall(cleaned)]


@cache
def _theme_index() -> dict[str, tuple[tuple[str, tuple[str, ...]], ...]]:
    """Known themes' keywords as stem sequences, indexed by their first stem: a text is matched in one pass
    over its stems, looking only at keywords that start with the stem at hand."""
    index: dict[str, list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
    for name, keywords in THEMES.items():
        for keyword in keywords:
            pattern = tuple(stem(w) for w in tokens(keyword))
            if pattern:
                index[pattern[0]].append((name, pattern))
    return {first: tuple(patterns) for first, patterns in index.items()}


@cache
def _theme_stems() -> frozenset[str]:
    """Stems that belong to a known theme: never also counted as a found key phrase."""
    return frozenset(s for patterns in _theme_index().values() for _, pattern in patterns for s in pattern)


def _known_in(stems: Sequence[str]) -> frozenset[str]:
    index = _theme_index()
    found = set()
    for i, first in enumerate(stems):
        for name, pattern in index.get(first, ()):
            if tuple(stems[i:i + len(pattern)]) == pattern:
                found.add(name)
    return frozenset(found)


@dataclass(frozen=True)
class Raised:
    """What one text raised: known themes, and found key phrases (stems) with their surface words."""

    known: frozenset[str]
    phrases: dict[str, str] = field(default_factory=dict)  # stem phrase -> the words as written


@lru_cache(maxsize=8192)
def raised_by(text: str) -> Raised:
    """The known themes a text is about and its candidate key phrases (content words and adjacent pairs).
    Cached: a digest reads every text of the week, and weeks of one run repeat (teams sharing members)."""
    words = tokens(text)
    stems = [stem(w) for w in words]
    known = _known_in(stems)
    opinion, taken, stop = _opinion_words(), _theme_stems(), stop_words()
    content = [w not in stop and w not in opinion and 2 < len(w) <= MAX_TOPIC_WORD and not w.isdigit() for w in words]
    phrases: dict[str, str] = {}
    for i, (word, key) in enumerate(zip(words, stems)):
        if not content[i]:
            continue
        if key not in taken:
            phrases.setdefault(key, word)
        if i + 1 < len(words) and content[i + 1] and key not in taken and stems[i + 1] not in taken:
            phrases.setdefault(f"{key} {stems[i + 1]}", f"{word} {words[i + 1]}")
    return Raised(known, phrases)


@dataclass
class Candidate:
    """A theme of one team's week before the privacy rules: who raised it, and the tones of the texts."""

    name: str
    known: bool
    people: set[int] = field(default_factory=set)
    texts: set[int] = field(default_factory=set)  # which of the week's texts raised it (position in the list)
    polarities: list[float] = field(default_factory=list)
    spellings: Counter[str] = field(default_factory=Counter)

    def theme(self) -> Theme:
        mean = sum(self.polarities) / len(self.polarities)
        return Theme(name=self.name if self.known else self.spellings.most_common(1)[0][0], people=len(self.people),
                     tone=label_for(mean), sentiment=round(mean, 3), known=self.known)


def _keys(raised: Raised) -> list[str]:
    """A text's themes as keys: known themes by name, found phrases as "~" + their stems."""
    return [*raised.known, *(f"~{key}" for key in raised.phrases)]


def candidates(texts: Sequence[ThemeText], min_group: int) -> dict[str, Candidate]:
    """The known themes and key phrases of a team's week raised by at least min_group people, keyed by name
    (known) or "~" + stem phrase (found). People are counted first, so only themes that pass get built."""
    raised = [raised_by(text.text) for text in texts]
    people: dict[str, set[int]] = defaultdict(set)
    for text, found in zip(texts, raised):
        for key in _keys(found):
            people[key].add(text.person_id)
    passing = {key for key, who in people.items() if privacy.enough(len(who), min_group)}
    kept: dict[str, Candidate] = {}
    for index, (text, found) in enumerate(zip(texts, raised)):
        for key in passing.intersection(_keys(found)):
            entry = kept.get(key)
            if entry is None:
                entry = kept[key] = Candidate(key.removeprefix("~"), known=not key.startswith("~"), people=people[key])
            entry.texts.add(index)
            entry.polarities.append(text.polarity)
            if not entry.known:
                entry.spellings[found.phrases[entry.name]] += 1
    return kept


def _shown(found: Mapping[str, Candidate]) -> dict[str, Candidate]:
    """Found phrases raised by exactly the same texts say one thing: only the longest is kept ("merge
    conflicts", not also "merge" and "conflicts"); known themes are all kept."""
    kept = {k: c for k, c in found.items() if c.known}
    by_texts: dict[frozenset[int], list[tuple[str, Candidate]]] = defaultdict(list)
    for key, c in found.items():
        if not c.known:
            by_texts[frozenset(c.texts)].append((key, c))
    for same in by_texts.values():
        key, c = max(same, key=lambda kc: (kc[1].name.count(" "), sum(kc[1].spellings.values()), kc[0]))
        kept[key] = c
    return kept


def _sharing_people(texts_by_team: Mapping[int, Sequence[ThemeText]]) -> set[tuple[int, int]]:
    """Pairs of teams whose texts come from at least one same person. Only those can hold a theme whose
    people differ by fewer than min_group: disjoint sets of min_group or more each differ by 2 × min_group."""
    teams_of: dict[int, set[int]] = defaultdict(set)
    for team, texts in texts_by_team.items():
        for text in texts:
            teams_of[text.person_id].add(team)
    return {(a, b) for teams in teams_of.values() if len(teams) > 1 for a in teams for b in teams if a < b}


def team_themes(texts_by_team: Mapping[int, Sequence[ThemeText]], min_group: int) -> dict[int, tuple[Theme, ...]]:
    """The themes each team's digest may show, after both privacy rules, most people first (MAX_THEMES).

    The overlap rule is applied over every pair of given teams whose texts share a person, so the caller
    passes the texts of every team sharing members with the teams it builds (handlers/insights/build.py).
    """
    shown = {team: _shown(candidates(texts, min_group)) for team, texts in texts_by_team.items()}
    withheld: dict[int, set[str]] = defaultdict(set)
    for a, b in sorted(_sharing_people(texts_by_team)):
        for key in shown[a].keys() & shown[b].keys():
            people_a, people_b = shown[a][key].people, shown[b][key].people
            if 0 < len(people_a ^ people_b) < privacy.effective_min_group(min_group):
                withheld[privacy.to_withhold(a, b, len(people_a), len(people_b))].add(key)
    result: dict[int, tuple[Theme, ...]] = {}
    for team, kept in shown.items():
        themes = sorted((c.theme() for k, c in kept.items() if k not in withheld[team]),
                        key=lambda t: (-t.people, not t.known, t.name))
        result[team] = tuple(themes[:MAX_THEMES])
    return result


def shared_themes(digests: Iterable[Sequence[Theme]], most: int = MAX_THEMES) -> tuple[Theme, ...]:
    """The organisation view: themes shown in at least two teams' digests, pooled from what those digests
    show (people in two teams count in each), so it reveals nothing a team's digest withholds."""
    pooled: dict[str, list[Theme]] = defaultdict(list)
    for themes in digests:
        for theme in themes:
            pooled[theme.name].append(theme)
    out = []
    for name, shown in pooled.items():
        if len(shown) < 2:
            continue
        people = sum(t.people for t in shown)
        mean = sum(t.sentiment * t.people for t in shown) / people
        out.append(Theme(name=name, people=people, tone=label_for(mean), sentiment=round(mean, 3),
                         known=shown[0].known, teams=len(shown)))
    return tuple(sorted(out, key=lambda t: (-t.teams, -t.people, t.name))[:most])

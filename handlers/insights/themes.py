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
from functools import cache
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
    cleaned = _SHORTCODE.sub(" ", privacy.clean_excerpt(text, limit=len(text) + 1).lower())
    return [w.strip("'-") for w in _WORD.findall(cleaned)]


@cache
def _theme_patterns() -> tuple[tuple[str, tuple[tuple[str, ...], ...]], ...]:
    """Each known theme with its keywords as stem sequences."""
    return tuple((name, tuple(tuple(stem(w) for w in tokens(keyword)) for keyword in keywords))
                 for name, keywords in THEMES.items())


@cache
def _theme_stems() -> frozenset[str]:
    """Stems that belong to a known theme: never also counted as a found key phrase."""
    return frozenset(s for _, patterns in _theme_patterns() for pattern in patterns for s in pattern)


def _contains(stems: Sequence[str], pattern: tuple[str, ...]) -> bool:
    size = len(pattern)
    return any(tuple(stems[i:i + size]) == pattern for i in range(len(stems) - size + 1))


@dataclass(frozen=True)
class Raised:
    """What one text raised: known themes, and found key phrases (stems) with their surface words."""

    known: frozenset[str]
    phrases: dict[str, str] = field(default_factory=dict)  # stem phrase -> the words as written


def raised_by(text: str) -> Raised:
    """The known themes a text is about and its candidate key phrases (content words and adjacent pairs)."""
    words = tokens(text)
    stems = [stem(w) for w in words]
    known = frozenset(name for name, patterns in _theme_patterns() if any(_contains(stems, p) for p in patterns))
    opinion, taken, stop = _opinion_words(), _theme_stems(), stop_words()
    content = [w not in stop and w not in opinion and len(w) > 2 and not w.isdigit() for w in words]
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


def candidates(texts: Iterable[ThemeText]) -> dict[str, Candidate]:
    """Every known theme and key phrase of a team's week, keyed by name (known) or stem phrase (found)."""
    found: dict[str, Candidate] = {}
    for index, text in enumerate(texts):
        raised = raised_by(text.text)
        entries = [found.setdefault(name, Candidate(name, known=True)) for name in raised.known]
        for key, spelling in raised.phrases.items():
            entry = found.setdefault(f"~{key}", Candidate(key, known=False))
            entry.spellings[spelling] += 1
            entries.append(entry)
        for entry in entries:
            entry.people.add(text.person_id)
            entry.texts.add(index)
            entry.polarities.append(text.polarity)
    return found


def _shown(found: Mapping[str, Candidate], min_group: int) -> dict[str, Candidate]:
    """Themes raised by enough people. Found phrases raised by exactly the same texts say one thing: only
    the longest is kept ("merge conflicts", not also "merge" and "conflicts"); known themes are all kept."""
    enough = {k: c for k, c in found.items() if privacy.enough(len(c.people), min_group)}
    kept = {k: c for k, c in enough.items() if c.known}
    by_texts: dict[frozenset[int], list[tuple[str, Candidate]]] = defaultdict(list)
    for key, c in enough.items():
        if not c.known:
            by_texts[frozenset(c.texts)].append((key, c))
    for same in by_texts.values():
        key, c = max(same, key=lambda kc: (kc[1].name.count(" "), sum(kc[1].spellings.values()), kc[0]))
        kept[key] = c
    return kept


def team_themes(texts_by_team: Mapping[int, Sequence[ThemeText]], shared: Mapping[tuple[int, int], int],
                min_group: int) -> dict[int, tuple[Theme, ...]]:
    """The themes each team's digest may show, after both privacy rules, most people first (MAX_THEMES).

    `shared`: pairs of teams with members in common (storage.digests.teams_sharing_members); the overlap
    rule is applied over every such pair whose texts are given, whichever team is being built.
    """
    shown = {team: _shown(candidates(texts), min_group) for team, texts in texts_by_team.items()}
    withheld: dict[int, set[str]] = defaultdict(set)
    for a, b in sorted({(min(pair), max(pair)) for pair in shared}):
        if a not in shown or b not in shown:
            continue
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

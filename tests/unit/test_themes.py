"""Theme finding against hand-labelled sentences, and the privacy rules on themes, without a database."""
from __future__ import annotations

import pytest

from handlers.insights.report import Theme
from handlers.insights.themes import raised_by, shared_themes, team_themes
from storage.themes import ThemeText

# Hand-labelled before the matcher was run: the known themes each sentence is about.
LABELLED = [
    ("swamped again, third late night this week", {"workload"}),
    ("Client asked for a refund, frustrated by repeated outages.", {"billing", "outages"}),
    ("the invoices they got were wrong", {"billing"}),
    ("prod went down during the demo", {"outages"}),
    ("API keeps timing out for EU customers", {"outages"}),
    ("new hire onboarding went smoothly", {"onboarding"}),
    ("got a kudos email from ACME", {"recognition"}),
    ("Jira ate my comment again", {"tooling"}),
    ("way too many meetings, no focus time", {"meetings"}),
    ("customer waited five days for a reply", {"response times"}),
    ("requirements changed again, priorities unclear", {"communication"}),
    ("taking a day off on Friday", {"time off"}),
    ("great chat with the team about the roadmap", set()),
    ("", set()),
]


@pytest.mark.parametrize(("text", "themes"), LABELLED)
def test_known_themes_are_found_in_hand_labelled_sentences(text: str, themes: set[str]) -> None:
    assert set(raised_by(text).known) == themes


def test_found_phrases_are_topics_not_feelings_markup_or_filler() -> None:
    phrases = set(raised_by("<@U0AMY> *merge conflicts* are awful :sob: see https://x.example/pr/1").phrases.values())
    assert "merge conflicts" in phrases
    assert not phrases & {"awful", "sob", "someone", "see", "x.example", "U0AMY"}


def _texts(people: range, text: str, polarity: float = -0.5, source: str = "note") -> list[ThemeText]:
    return [ThemeText(p, source, text, polarity) for p in people]


def test_a_theme_needs_min_group_distinct_people_not_mentions() -> None:
    one_person = _texts(range(1, 2), "merge conflicts all day") * 9
    four = _texts(range(1, 5), "merge conflicts all day")
    assert team_themes({1: one_person + four}, 5)[1] == ()
    five = team_themes({1: _texts(range(1, 6), "merge conflicts all day")}, 5)[1]
    assert [(t.name, t.people, t.known, t.tone) for t in five] == [("merge conflicts", 5, False, "negative")]


def test_the_floor_holds_whatever_min_group_says() -> None:
    assert team_themes({1: _texts(range(1, 3), "swamped")}, 1)[1] == ()  # min_group is never below 3


def test_overlap_rule_withholds_the_smaller_team_when_people_differ_by_too_few() -> None:
    texts = {1: _texts(range(1, 6), "swamped"), 2: _texts(range(1, 7), "swamped")}
    shown = team_themes(texts, 5)
    assert shown[1] == () and [t.people for t in shown[2]] == [6]  # 5 and 6 would reveal person 6
    same = team_themes({1: _texts(range(1, 6), "swamped"), 3: _texts(range(1, 6), "swamped")}, 5)
    assert [t.people for t in same[1]] == [5] == [t.people for t in same[3]]  # the same people: nothing to learn
    far = team_themes({1: _texts(range(1, 6), "swamped"), 2: _texts(range(1, 11), "swamped")}, 5)
    assert [t.people for t in far[1]] == [5]  # differing by five people: safe


def test_comments_count_the_agent_rated_and_tone_is_the_texts_mean() -> None:
    texts = [*_texts(range(1, 4), "refund please", 0.2, "comment"), *_texts(range(3, 6), "invoice wrong", -0.8)]
    [billing] = team_themes({1: texts}, 5)[1]
    assert (billing.name, billing.people, billing.sentiment, billing.tone) == ("billing", 5, -0.3, "negative")


def test_at_most_five_themes_most_people_first() -> None:
    texts = [ThemeText(p, "note", text, 0.0) for k, text in enumerate(
        ["swamped", "outage", "invoice", "onboarding", "kudos", "jira", "meetings"]) for p in range(1, 6 + k)]
    names = [t.name for t in team_themes({1: texts}, 5)[1]]
    assert names == ["meetings", "tooling", "recognition", "onboarding", "billing"]


def test_the_organisation_view_pools_shown_themes_of_two_or_more_teams() -> None:
    a = (Theme("workload", 5, "negative", -0.5), Theme("billing", 6, "negative", -0.2))
    b = (Theme("workload", 7, "negative", -0.1),)
    [shared] = shared_themes([a, b, ()])
    assert (shared.name, shared.teams, shared.people, shared.sentiment) == ("workload", 2, 12, round(-3.2 / 12, 3))


@pytest.mark.parametrize("text", ["", " ", "😀" * 50, "https://example.com/x", "<mailto:a@b.co|a@b.co>", "x" * 40_000,
                                  "Ωμέγα 日本語", "\x00\x1b[31m", ":tada: :tada:", "<@U0AMY> <#C01|general>"])
def test_hostile_text_raises_no_theme(text: str) -> None:
    """Five people sending it still name nothing: no placeholder ("link"), no 40,000-character "word"."""
    assert team_themes({1: _texts(range(1, 6), text)}, 5)[1] == ()

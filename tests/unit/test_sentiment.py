"""Tandem's sentiment scorer reads chat and customer text the way colleagues do."""
from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from handlers.sentiment import Scorer, Sentiment, StackedScorer, TextBlobScorer, default_scorer, label_for
from handlers.sentiment.lexicon import VADER_CORRECTIONS, WORKPLACE_LEXICON
from handlers.sentiment.rules import mark_negated_events
from handlers.sentiment.scorer import TandemScorer
from handlers.sentiment.text import normalise, replace_emoji, strip_mrkdwn

DATA = Path(__file__).resolve().parent.parent / "data" / "workplace_sentiment.csv"
AGREEMENT_TARGET = 0.85  # issues 7 and 16's goal; not reached yet, see test_workplace_agreement_does_not_regress
AGREEMENT_REACHED = 230 / 279  # what the default scorer (tandem-5) reaches today: 82.4%
RULES_REACHED = 222 / 279  # the rules alone (tandem-3), most of whose rules were written from these rows
CHECK_ROWS = 222  # the rows after this were written to check each version's rules before those rules existed


@pytest.fixture(scope="module")
def scorer() -> TandemScorer:
    return TandemScorer()


def test_default_scorer_is_tandem_with_a_version() -> None:
    chosen = default_scorer()
    assert isinstance(chosen, StackedScorer) and chosen.version == "tandem-5"
    assert isinstance(chosen.version, str) and chosen.version
    assert chosen.version != TextBlobScorer.version


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("see <https://wiki.example.com/x|the deploy guide> now", "see the deploy guide now"),
        ("ping <@U024BE7LH> and <!here> in <#C0123|incidents>", "ping and in"),
        ("run `rm -rf build` then ```fatal error\nstack``` done", "run then done"),
        ("*huge* thanks _team_ ~bad~", "huge thanks team bad"),
        ("R&amp;D &lt;3", "R&D <3"),
        ("docs at https://example.com/fail?x=1 ok", "docs at ok"),
    ],
)
def test_mrkdwn_is_stripped_to_the_words_people_read(raw: str, expected: str) -> None:
    assert " ".join(strip_mrkdwn(raw).split()) == expected


def test_shortcodes_skin_tones_and_unicode_emoji_become_the_same_token() -> None:
    plain = replace_emoji(":thumbsup:").split()
    assert replace_emoji(":thumbsup::skin-tone-3:").split() == plain
    assert replace_emoji(":+1:").split() == plain
    assert replace_emoji("👍").split() == plain
    assert replace_emoji("👍🏽").split() == plain


def test_custom_looking_shortcodes_fall_back_to_their_words() -> None:
    assert normalise(":sad-cat-vibes:") == "sad cat vibes"


@pytest.mark.parametrize(
    ("text", "label"),
    [
        (":thumbsup::skin-tone-3:", "positive"),
        (":party-parrot:", "positive"),
        (":this-is-fine:", "negative"),
        ("🎉🎉", "positive"),
        (":sob:", "negative"),
        ("😡", "negative"),
        (":sad-cat:", "negative"),
    ],
)
def test_emoji_alone_carry_feeling(scorer: TandemScorer, text: str, label: str) -> None:
    assert scorer.score(text).label == label


def test_negation_flips_and_softens(scorer: TandemScorer) -> None:
    assert scorer.score("not bad").label == "positive"
    assert scorer.score("not great").label == "negative"
    assert scorer.score("I'm not swamped").polarity > 0 > scorer.score("I'm swamped").polarity


def test_contrast_weights_the_clause_after_but(scorer: TandemScorer) -> None:
    assert scorer.score("the demo was good but the client was furious").polarity < 0
    assert scorer.score("the client was furious but the demo was good").polarity > 0


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("the demo went well, however the client walked away furious", -1),
        ("the client was furious, though the demo went well", 1),
        ("I went to the offsite even though I was tired", -1),  # "even though" is not a contrast
    ],
)
def test_however_and_though_weight_the_clause_after_them(scorer: TandemScorer, text: str, sign: int) -> None:
    assert scorer.score(text).polarity * sign > 0


@pytest.mark.parametrize(
    "text",
    ["the deploy didn't break anything", "no customer impact", "nothing went wrong overnight",
     "we never had an issue with them", "not a single complaint this week", "no complaints so far"],
)
def test_a_bad_event_that_did_not_happen_is_good_news(scorer: TandemScorer, text: str) -> None:
    assert scorer.score(text).label == "positive"


@pytest.mark.parametrize(
    "text", ["I haven't fixed the bug yet", "we didn't notice the outage until Monday", "no idea why it crashed"]
)
def test_a_negator_governing_another_verb_does_not_cancel_the_event(text: str) -> None:
    assert mark_negated_events(text) == text


@pytest.mark.parametrize(
    "text",
    ["the rollout wasn't as smooth as we hoped", "the new laptop is not as fast as advertised",
     "onboarding was not quite as easy as they promised"],
)
def test_a_hope_that_fell_short_is_a_disappointment(scorer: TandemScorer, text: str) -> None:
    assert scorer.score(text).label == "negative"


@pytest.mark.parametrize("text", ["ok", "okay", "meh, ok week"])
def test_curated_words_are_not_overruled_by_textblob(scorer: TandemScorer, text: str) -> None:
    """"ok" was curated to a shrug; TextBlob's own +0.5 for it must not make it cheerful again."""
    assert scorer.score(text).label == "neutral"


@pytest.mark.parametrize(
    "text",
    ["great, another outage", "yay, more meetings", "love it when the build breaks on a Friday",
     "thanks a lot, Jenkins, for failing again", "what a great start to the week /s",
     "love it when the wifi drops during standup"],
)
def test_positive_interjection_before_a_bad_event_reads_as_sarcasm(scorer: TandemScorer, text: str) -> None:
    assert scorer.score(text).label == "negative"


@pytest.mark.parametrize(
    "text",
    ["great news, the outage is over", "yay! another good customer call", "love how fast you fixed the bug",
     "great, thanks for the quick review"],
)
def test_sincere_praise_near_an_incident_word_is_not_sarcasm(scorer: TandemScorer, text: str) -> None:
    assert scorer.score(text).label == "positive"


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("swamped again this week", "negative"),
        ("slammed with tickets", "negative"),
        ("feeling burned out", "negative"),
        ("we're understaffed", "negative"),
        ("customer churned", "negative"),
        ("ACME escalated", "negative"),
        ("they asked for a refund", "negative"),
        ("shout-out to Priya", "positive"),
        ("kudos to the support team", "positive"),
        ("Sam is killing it", "positive"),
        ("we shipped it", "positive"),
        ("the team really pulled together", "positive"),
    ],
)
def test_workplace_lexicon_entries(scorer: TandemScorer, text: str, label: str) -> None:
    assert scorer.score(text).label == label


def test_every_lexicon_entry_says_why() -> None:
    for entry in (*WORKPLACE_LEXICON, *VADER_CORRECTIONS):
        assert entry.reason.strip(), entry.phrase
        assert -4.0 <= entry.valence <= 4.0, entry.phrase
    phrases = [e.phrase.lower() for e in WORKPLACE_LEXICON]
    assert len(phrases) == len(set(phrases))


@pytest.mark.parametrize(
    "text",
    ["", "   ", "ok", "GREAT GREAT GREAT!!!!!! :tada::tada::tada: 🎉🎉🎉 love love love",
     "worst worst WORST outage ever!!! :rage: 😡😡 burned out, churned, refund", "```only code```",
     "<@U1> <!channel>", ":unknown_custom_thing:", "x" * 5000],
)
def test_polarity_is_bounded_and_label_matches(scorer: TandemScorer, text: str) -> None:
    result = scorer.score(text)
    assert isinstance(result, Sentiment)
    assert -1.0 <= result.polarity <= 1.0
    assert result.label in ("positive", "neutral", "negative")


def test_empty_and_markup_only_text_is_neutral(scorer: TandemScorer) -> None:
    for text in ("", "   ", "<@U1> <!here>", "`code`"):
        assert scorer.score(text) == Sentiment(0.0, "neutral")


def test_label_for_uses_a_symmetric_band() -> None:
    assert label_for(0.3) == "positive"
    assert label_for(-0.3) == "negative"
    assert label_for(0.01) == "neutral"


def _workplace_rows() -> list[dict[str, str]]:
    with DATA.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_workplace_set_is_big_and_hard_enough() -> None:
    rows = _workplace_rows()
    assert len(rows) >= 200
    assert {r["label"] for r in rows} == {"positive", "neutral", "negative"}
    assert {r["kind"] for r in rows} == {"note", "moment"}
    cases = Counter(r["hard_case"] for r in rows)
    for case in ("sarcasm", "mixed", "negation", "emoji-only", "jargon"):
        assert cases[case] >= 10, case


def _agreement(chosen: Scorer, rows: list[dict[str, str]]) -> tuple[float, Counter[str]]:
    misses = [r for r in rows if chosen.score(r["text"]).label != r["label"]]
    return 1 - len(misses) / len(rows), Counter(r["hard_case"] for r in misses)


@pytest.mark.parametrize(("chosen", "reached"), [(default_scorer, AGREEMENT_REACHED), (TandemScorer, RULES_REACHED)],
                         ids=["tandem-5 (default)", "tandem-3 (rules alone)"])
def test_workplace_agreement_does_not_regress(chosen, reached: float) -> None:
    """Regression guard, not the issue's target.

    Issues 7 and 16 ask for >= 85% agreement with people on workplace_sentiment.csv. The default scorer
    (tandem-5) reaches 82.4% (230/279), the rules alone 79.6% (222/279); but the rules were written from
    the first 248 rows, so on those the rules' figure is in-sample (bench/sentiment_eval.py splits them).
    Fails if agreement drops more than one point below what is reached; raise the figure when it improves.
    """
    agreement, misses = _agreement(chosen(), _workplace_rows())
    assert agreement >= reached - 0.01, (
        f"agreement {agreement:.1%} < floor {reached - 0.01:.1%} (reached {reached:.1%}, "
        f"issue target {AGREEMENT_TARGET:.0%}); misses by hard case: {dict(misses)}"
    )


def test_the_default_scorer_beats_the_rules_on_rows_the_rules_never_saw() -> None:
    """The rows after CHECK_ROWS were written before the rules they check: tandem-5 46/57, tandem-3 40/57. The
    rules' lead on all 279 rows would be in-sample; on these the model's lead is not."""
    unseen = _workplace_rows()[CHECK_ROWS:]
    stacked, _ = _agreement(default_scorer(), unseen)
    rules, _ = _agreement(TandemScorer(), unseen)
    assert stacked > rules, f"tandem-5 {stacked:.1%} vs tandem-3 {rules:.1%} on the {len(unseen)} unseen rows"

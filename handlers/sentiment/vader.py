"""VADER with our extra lexicon entries, returning its raw valence sum.

VADER's `polarity_scores` rounds the compound to 4 places and spends a character-by-character loop
converting emoji to words -- we have already replaced emoji with lexicon tokens, so we skip that
loop and keep the unrounded sum, which the scorer squashes and mixes itself. The rules (negation,
boosters, caps, "but", "!"/"?" emphasis, idioms) are VADER's own, unchanged.
"""
from __future__ import annotations

from vaderSentiment.vaderSentiment import BOOSTER_DICT, SentimentIntensityAnalyzer, SentiText

from handlers.sentiment.rules import weigh_contrast


class WorkplaceVader(SentimentIntensityAnalyzer):
    """One VADER instance whose lexicon is VADER's plus `extra` (this instance only)."""

    def __init__(self, extra: dict[str, float]) -> None:
        super().__init__()
        self.lexicon: dict[str, float] = {**self.lexicon, **extra}

    def sentiment_valence(self, valence, sentitext, item, i, sentiments):
        """VADER's rule, except 'pretty' before an opinion word is a degree adverb ('pretty tired')."""
        words = sentitext.words_and_emoticons
        if item.lower() == "pretty" and i + 1 < len(words) and words[i + 1].lower() in self.lexicon:
            sentiments.append(0.0)
            return sentiments
        return super().sentiment_valence(valence, sentitext, item, i, sentiments)

    def known(self, word: str) -> bool:
        """Whether the lexicon has `word` (used to choose between elongation repairs)."""
        return word in self.lexicon or word in BOOSTER_DICT

    def valence(self, text: str, contrast: bool = True) -> tuple[float, int]:
        """VADER's punctuation-adjusted valence sum and how many words carried valence.

        With `contrast`, VADER's "but" rule is applied to "however" and "though" too, by position.
        """
        sentitext = SentiText(text)
        words = sentitext.words_and_emoticons
        lexicon = self.lexicon
        sentiments: list[float] = []
        for i, item in enumerate(words):
            lowered = item.lower()
            if lowered in BOOSTER_DICT or lowered not in lexicon or (
                lowered == "kind" and i < len(words) - 1 and words[i + 1].lower() == "of"
            ):  # VADER's rule gives a word outside its lexicon 0.0 too; skipping the call is most of a text's time
                sentiments.append(0.0)
                continue
            sentiments = self.sentiment_valence(0.0, sentitext, item, i, sentiments)
        sentiments = weigh_contrast(words, sentiments) if contrast else self._but_check(words, sentiments)
        hits = sum(1 for s in sentiments if s)
        if not hits:
            return 0.0, 0
        total = float(sum(sentiments))
        emphasis = self._punctuation_emphasis(text)
        return (total + emphasis if total > 0 else total - emphasis if total < 0 else 0.0), hits

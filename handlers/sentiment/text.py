"""Turn Slack/Teams message text into plain words before scoring.

Markup (links, mentions, code) carries no feeling but confuses lexicons ("<@U123|kill-bot>",
"`rm -rf`", "fail" in a stack trace), and emoji carry a lot of it. So: strip the markup, and turn
every emoji -- unicode, Slack `:shortcode:`, skin-toned, or custom-looking (`:party-parrot:`) --
into a token the scorer's lexicon knows, or into the plain words of its name.
"""
from __future__ import annotations

import html
import re
from collections.abc import Callable
from functools import lru_cache

from handlers.sentiment.emoji import EMOJI_VALENCE, emoji_token

_FENCED_CODE = re.compile(r"```.*?(?:```|$)", re.DOTALL)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
# <https://x|label> keeps its label; <@U1>, <!here>, <#C1|name>, <mailto:..> and bare <url> go.
_LABELLED_LINK = re.compile(r"<(?:https?://|mailto:)[^|>\s]*\|([^>]*)>")
_ANGLE_TOKEN = re.compile(r"<[@#!][^>]*>|<(?:https?://|mailto:)[^>]*>")
_BARE_URL = re.compile(r"\bhttps?://\S+|\bwww\.\S+")
# Slack *bold*, _italic_, ~strike~ and > quotes: keep the words, drop the markers.
_EMPHASIS = re.compile(r"(?<![\w*_~])[*_~]+(?=\S)|(?<=\S)[*_~]+(?![\w*_~])")
_QUOTE = re.compile(r"^\s*(?:&gt;|>)+\s?", re.MULTILINE)
# :name: and :name::skin-tone-N: -- names are what Slack allows: letters, digits, - _ + '
_SHORTCODE = re.compile(r":([a-z0-9_+'\-]{1,64}):(?::skin-tone-[2-6]:)?", re.IGNORECASE)
_SKIN_TONE = re.compile(r":skin-tone-[2-6]:", re.IGNORECASE)
# Letters repeated 3+ times ("soooo", "greaaat") are emphasis, not new words.
_ELONGATED_WORD = re.compile(r"\b\w*([a-z])\1{2,}\w*\b", re.IGNORECASE)
_RUN = re.compile(r"([a-z])\1{2,}", re.IGNORECASE)


def strip_mrkdwn(text: str) -> str:
    """Remove Slack mrkdwn and HTML escapes, keeping the words a person would read.

    Each pattern runs only when the character it starts with is there: most messages have no markup, and
    a regex pass over every text for each kind of markup was most of the time spent normalising."""
    if "`" in text:
        text = _FENCED_CODE.sub(" ", text)
        text = _INLINE_CODE.sub(" ", text)
    if "<" in text:
        text = _LABELLED_LINK.sub(r"\1", text)
        text = _ANGLE_TOKEN.sub(" ", text)
    if ">" in text or "&gt;" in text:
        text = _QUOTE.sub("", text)
    text = html.unescape(text)
    lowered = text.lower()
    if "http" in lowered or "www." in lowered:
        text = _BARE_URL.sub(" ", text)
    if "*" in text or "_" in text or "~" in text:
        text = _EMPHASIS.sub("", text)
    return text


@lru_cache(maxsize=4096)
def shortcode_replacement(name: str) -> str:
    """What a `:name:` stands for: a lexicon token if curated, else the words of its name.

    Cached because a workspace reuses a few hundred shortcodes; the result depends only on `name`.
    """
    key = name.lower().replace("-", "_")
    if key in EMOJI_VALENCE:
        return emoji_token(key)
    import emoji  # the pinned `emoji` package maps Slack/GitHub aliases to CLDR names

    raw = name.lower()
    char = emoji.emojize(f":{raw}:", language="alias")
    if char == f":{raw}:":
        char = emoji.emojize(f":{key}:", language="alias")
    if not char.startswith(":"):
        cldr = emoji.demojize(char).strip(":").lower().replace("-", "_")
        cldr = re.sub(r"_(?:light|medium_light|medium|medium_dark|dark)_skin_tone$", "", cldr)
        if cldr in EMOJI_VALENCE:
            return emoji_token(cldr)
        return cldr.replace("_", " ")
    # Custom workspace emoji (":sad-parrot:", ":this-is-fine:") : its words are the best evidence.
    return re.sub(r"[_+\-']+", " ", key).strip()


def replace_emoji(text: str) -> str:
    """Replace unicode emoji and `:shortcodes:` (skin tones dropped) by scorable tokens."""
    if not text.isascii():
        import emoji

        text = emoji.demojize(text, delimiters=(" :", ": "))
    if ":" in text:
        text = _SKIN_TONE.sub(" ", text)
        text = _SHORTCODE.sub(lambda m: f" {shortcode_replacement(m.group(1))} ", text)
    return text


def unelongate(text: str, known: Callable[[str], bool]) -> str:
    """'sooo goooood, greaaat' -> 'so good, great': collapse letter runs to the form a lexicon knows.

    Runs shrink to two letters ("good", "cool") unless only the one-letter form is known ("great").
    """

    def collapse(match: re.Match[str]) -> str:
        word = match.group(0)
        double = _RUN.sub(r"\1\1", word)
        if known(double.lower()):
            return double
        single = _RUN.sub(r"\1", word)
        return single if known(single.lower()) else double

    return _ELONGATED_WORD.sub(collapse, text) if _RUN.search(text) else text


def normalise(text: str, known: Callable[[str], bool] = lambda word: False) -> str:
    """The full pipeline: markup out, emoji to tokens, elongations collapsed, whitespace tidied."""
    text = replace_emoji(strip_mrkdwn(text))
    return " ".join(unelongate(text, known).split())

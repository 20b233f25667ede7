"""Slack text in and out: markup from Slack becomes what the person typed; anything shown again is inert."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.slack.render import digest, message_payload, moment_modal, text_sections
from bot.slack.text import escape_mrkdwn, from_slack, safe_mrkdwn
from handlers.insights.figures import figures_from
from handlers.messages import DigestMessage, MomentForm, Text
from storage.digests import WeekAggregate


def test_markup_from_slack_becomes_plain_words() -> None:
    assert from_slack("hi <@U123|bob> in <#C1|general> &lt;b&gt; &amp; <!here> <https://x.io|docs>") == \
        "hi @U123 in #general <b> & @here docs (https://x.io)"
    assert from_slack("<!subteam^S1|@support> <mailto:a@b.c>") == "@support a@b.c"
    assert from_slack("cx link <@U1> <mailto:Bo@x.io|Bo@x.io>") == "cx link @U1 Bo@x.io"  # Slack links emails
    assert from_slack(None) == ""


def test_escaping_makes_mentions_and_links_inert() -> None:
    assert escape_mrkdwn("<!channel> <@U1> <https://e.vil|x> & co") == \
        "&lt;!channel&gt; &lt;@U1&gt; &lt;https://e.vil|x&gt; &amp; co"


@given(st.text(alphabet="<>&!@#abc |", max_size=400), st.integers(min_value=5, max_value=300))
def test_safe_mrkdwn_never_leaves_a_control_character_or_exceeds_the_limit(text: str, limit: int) -> None:
    out = safe_mrkdwn(text, limit)
    assert "<" not in out and ">" not in out and len(out) <= limit
    assert "&" not in out.replace("&amp;", "").replace("&lt;", "").replace("&gt;", "").replace("…", "")


def test_long_text_is_split_into_sections_within_block_kit_limits() -> None:
    body = "\n".join(f"line {i} <!here>" + "x" * 200 for i in range(60))
    blocks = text_sections(body)
    assert len(blocks) > 1 and all(len(b["text"]["text"]) <= 3000 for b in blocks)
    assert all("<!here>" not in b["text"]["text"] for b in blocks)
    assert message_payload(Text("<@U1> hi"))["text"] == "&lt;@U1&gt; hi"


def test_digest_team_names_are_escaped_in_mrkdwn() -> None:
    report = figures_from("<!channel>", "2026-W46", WeekAggregate(members=3), 5)
    payload = digest(DigestMessage(report=report))
    assert payload["text"].startswith("Weekly digest — &lt;!channel&gt;")


def test_moment_modal_prefill_is_within_the_limit() -> None:
    view = moment_modal(MomentForm(touchpoints=("sales",), text="t" * 3000, source_link="https://x/p1",
                                   max_length=3000))
    assert len(view["blocks"][0]["element"]["initial_value"]) == 3000
    assert view["blocks"][0]["element"]["max_length"] == 3000


def test_a_user_object_with_odd_types_still_gives_a_profile() -> None:
    from bot.slack.identity import profile_from_user

    profile = profile_from_user({"profile": [], "tz": 3, "locale": {"x": 1}, "name": "ann"})
    assert (profile.name, profile.timezone, profile.locale) == ("ann", None, None)
    assert profile_from_user({"profile": {"display_name": "Bo"}, "tz": "Europe/Paris"}).timezone == "Europe/Paris"

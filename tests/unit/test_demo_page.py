"""The demo's index.html: one self-contained page, everything from a digest escaped."""
from __future__ import annotations

import re
from dataclasses import replace

from bot.cli.demo_page import render_page
from handlers.insights import privacy
from handlers.messages import DigestMessage
from tests.support.digest_samples import full_digest

EVIL = '<script>alert("x")</script><img src=https://evil.example/x.png>'


def test_digest_text_cannot_inject_markup_or_fetch_anything() -> None:
    report = full_digest(team=EVIL)
    report = replace(report, notices=(EVIL,),
                     moments=replace(report.moments, excerpts=(privacy.Quote(EVIL, "negative"),)))
    page = render_page([DigestMessage(report=report, chart_png=b"\x89PNG", chart_alt=f'alt " {EVIL}')], EVIL)
    assert "<script" not in page and not re.search(r"<img src=[\"']?https?:", page)
    assert page.count("&lt;script&gt;") >= 5
    assert 'src="data:image/png;base64,iVBORw==" width=600 height=400 alt="alt &quot; &lt;script&gt;' in page

"""`python -m bot demo` with small parameters: the whole loop through the real code paths."""
from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from bot.slack.render import message_payload
from handlers.insights.report import TeamDigest
from handlers.messages import DigestMessage

ROOT = Path(__file__).resolve().parents[2]


def test_demo_writes_digests_and_shows_the_sinking_team(tmp_path: Path) -> None:
    out = tmp_path / "demo-output"
    env = {**os.environ, "TANDEM_CONFIG": str(ROOT / "app.yaml"), "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "bot", "demo", "--weeks", "6", "--employees", "21", "--seed", "3",
                             "--out", str(out)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert "21 employees in 3 teams" in result.stdout
    digests = sorted((out / "digests").glob("*.json"))
    assert len(digests) == 3 * 6 and len(list((out / "digests").glob("*.txt"))) == 18
    reports = [json.loads(path.read_text()) for path in digests]
    by_team: dict[str, list[dict]] = {}
    for report in reports:
        by_team.setdefault(report["team"], []).append(report)
    support = sorted(by_team["Support"], key=lambda r: r["iso_week"])
    moods = [r["mood"]["mean"] for r in support if r["mood"]]
    assert len(moods) >= 5
    assert min(moods[2:5]) < max(moods[:2]) - 0.6, moods  # the slump shows in the weekly digests
    others = [r["mood"]["mean"] for t, rs in by_team.items() if t != "Support" for r in rs if r["mood"]]
    assert min(others) > min(moods[2:5])
    assert result.stdout.startswith(f"Open {out / 'index.html'}")
    assert "Tandem demo" in (out / "summary.txt").read_text()
    charts = sorted((out / "digests").glob("*.png"))
    assert [c.with_suffix(".json") for c in charts] == digests
    assert all(c.read_bytes().startswith(b"\x89PNG") for c in charts)
    _the_page_shows_every_digest_with_its_chart(out, reports)
    _support_acts_on_its_slump_and_sees_what_followed(by_team, support)
    _a_slack_digest_of_support_shows_the_slump_quality_and_link(support)
    from bot.cli.demo_story import NAMES

    written = "\n".join(p.read_text() for p in (out / "digests").iterdir() if p.suffix != ".png").lower()
    written += re.sub(r"base64,[^\"]+", "", (out / "index.html").read_text(encoding="utf-8")).lower()
    named = [n for n in NAMES if re.search(rf"\b{n.lower()}\b", written)]
    assert not named, f"a digest names {named}"


def _support_acts_on_its_slump_and_sees_what_followed(by_team: dict[str, list[dict]], support: list[dict]) -> None:
    """Notes are shared anonymously; Support's manager records one action when the drop shows, and later digests
    show its effect (in plain words) and the team's feedback once enough answered; no other team acts."""
    assert any(r["shared_notes"] for rs in by_team.values() for r in rs)
    assert all(not r["actions"] for team, rs in by_team.items() if team != "Support" for r in rs)
    acted = [r for r in support if r["actions"]]
    assert acted and len({a["number"] for r in acted for a in r["actions"]}) == 1
    last = acted[-1]["actions"][0]
    assert {e["measure"] for e in last["effects"]} >= {"mood", "csat"}
    assert all(e["statement"] and "caused" not in e["statement"] for e in last["effects"])
    assert last["answered"] is not None and 0 < last["helps"] <= last["answered"]


def _the_page_shows_every_digest_with_its_chart(out: Path, reports: list[dict]) -> None:
    """index.html: one self-contained page (no script, nothing fetched), each digest with its chart inline."""
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "<script" not in page.lower() and not re.search(r"(src|href)=[\"']?(https?:)?//", page)
    for report in reports:
        article = page.split(f'id="{report["team"].lower()}-{report["iso_week"]}"', 1)[1].split("</article>", 1)[0]
        assert f"{report['team']} · {report['iso_week']}" in article
        [src] = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', article)
        assert base64.b64decode(src) == (out / "digests" / f"{report['iso_week']}-{report['team'].lower()}.png"
                                         ).read_bytes()
        if report["mood"]:
            assert f"{report['mood']['mean']:.2f} / 5" in article


def _a_slack_digest_of_support_shows_the_slump_quality_and_link(support: list[dict]) -> None:
    texts = []
    for data in support:
        payload = message_payload(DigestMessage(report=TeamDigest.from_json(data), chart_png=b"png"))
        texts.append(json.dumps(payload["blocks"], ensure_ascii=False))
    sinking = [t for t, r in zip(texts, support) if r["mood"] and (r["mood"]["trend"] or {}).get("direction") == "down"]
    assert sinking and all("(↓ down −" in t for t in sinking), "the headline says the mood is sinking"
    assert all("*Quality index*\\n" in t for t, r in zip(texts, support) if r["moments"]["quality_index"])
    assert any(r["moments"]["quality_index"] for r in support)
    linked = [(t, r) for t, r in zip(texts, support) if r["links"]]
    assert linked and all(link["statement"] in t for t, r in linked for link in r["links"])
    assert all("Wellbeing ↔ customers" in t for t, _ in linked)
    _support_csat_follows_its_mood_a_week_later(support, texts)


def _support_csat_follows_its_mood_a_week_later(support: list[dict], texts: list[str]) -> None:
    """The helpdesk export went in through the CSV road: CSAT is in every digest, and the slump reaches it."""
    csat = [r["customer_ratings"]["csat"] for r in support]
    assert all(value is not None for value in csat), csat
    assert {s for r in support for s in r["customer_ratings"]["sources"]} == {"csv:helpdesk"}
    assert min(csat[3:6]) < max(csat[:2]) - 10, csat  # the slump begins in week 2; CSAT sinks from week 3
    assert all("*Customer ratings* (helpdesk)" in t and "*CSAT*" in t for t in texts)


def test_demo_refuses_bad_parameters_clearly(tmp_path: Path) -> None:
    env = {**os.environ, "TANDEM_CONFIG": str(ROOT / "app.yaml"), "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "bot", "demo", "--employees", "4", "--out", str(tmp_path / "o")],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "--employees must be at least 9" in result.stderr and "Traceback" not in result.stderr

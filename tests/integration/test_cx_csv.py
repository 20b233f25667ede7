"""`cx import`: CSV files of ratings on SQLite and PostgreSQL — bad rows reported by line and skipped, good
rows kept, the same file twice adds nothing, other encodings and column names, and a large file."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest

from bot.__main__ import main
from bot.cli.cx import ImportOptions, import_csv, layout_from
from handlers.cx.csv_rows import BadFile, CsvLayout
from storage.models import CustomerRating

HEADER = "rated_at,agent_email,rating,scale,comment,ticket_id\n"


def csv_bytes(*lines: str, header: str = HEADER, encoding: str = "utf-8") -> io.BytesIO:
    return io.BytesIO((header + "".join(line + "\n" for line in lines)).encode(encoding))


async def test_bad_rows_are_reported_by_line_and_good_rows_kept_once(harness) -> None:
    day = harness.clock.now() - timedelta(days=1)
    good = [f"{day:%Y-%m-%dT%H:%M:%SZ},Ana@Example.com,5,1-5,Quick and kind,T1",
            f"{day:%Y-%m-%d %H:%M:%S+01:00},bo@example.com,bad,good_bad,,T2",
            f"{day:%Y-%m-%dT%H:%M:%SZ},cy@example.com,-103,freshdesk,\"Slow, again\",T3"]
    bad = ["31/11/2026,ana@example.com,4,1-5,,T4",  # not ISO 8601
           f"{day:%Y-%m-%dT%H:%M:%SZ},ana@example.com,4,stars,,T5",  # unknown scale
           f"{day:%Y-%m-%dT%H:%M:%SZ},ana@example.com,6,1-5,,T6",  # off the scale
           f"{day:%Y-%m-%dT%H:%M:%SZ},not an email,4,1-5,,T7",
           f"{day:%Y-%m-%dT%H:%M:%SZ},ana@example.com,,1-5,,T8"]
    report = await import_csv(harness.deps, csv_bytes(good[0], bad[0], good[1], "", bad[1], bad[2], bad[3],
                                                       bad[4], good[2]), CsvLayout())
    assert (report.rows, report.added, report.duplicates) == (8, 3, 0)
    assert [(e.line, e.reason.split(" ")[-1]) for e in report.errors] == [
        (3, "2026-11-30T14:05:00Z)"), (6, "0-10"), (7, "scale"), (8, "email"), (9, "rating")]
    again = await import_csv(harness.deps, csv_bytes(*good), CsvLayout())
    assert (again.added, again.duplicates, again.errors) == (0, 3, [])
    rows = {r.ticket_ref: r for r in await harness.rows(CustomerRating)}
    assert (rows["T1"].score, rows["T2"].score, rows["T3"].score) == (100.0, 0.0, 0.0)
    assert rows["T1"].agent_email == "ana@example.com" and rows["T1"].comment_label == "positive"
    assert rows["T3"].comment == "Slow, again" and {r.source for r in rows.values()} == {"csv"}


async def test_mapped_columns_one_scale_a_dry_run_and_another_encoding(harness) -> None:
    header = "Response Date;Agent;Score;Feedback\n".replace(";", ",")
    layout = layout_from(ImportOptions(source="Delighted", maps=("rated_at=Response Date", "agent_email=Agent",
                                                                  "rating=Score", "comment=Feedback"),
                                       scale="0-10", date_format="%d/%m/%Y %H:%M", zone_name="Europe/Paris"))
    lines = ["15/11/2026 09:15,ana@example.com,9,Très bien, merci", "15/11/2026 10:15,ana@example.com,3,Déçu"]
    lines = [f'{a},{b},{c},"{d}"' for a, b, c, d in (line.split(",", 3) for line in lines)]
    dry = await import_csv(harness.deps, csv_bytes(*lines, header=header, encoding="cp1252"), layout,
                           encoding="cp1252", dry_run=True)
    assert (dry.added, dry.errors) == (2, []) and await harness.count(CustomerRating) == 0
    wrong = await import_csv(harness.deps, csv_bytes(*lines, header=header, encoding="cp1252"), layout)
    assert [e.line for e in wrong.errors] == [2, 3] and "not valid utf-8-sig" in wrong.errors[0].reason
    report = await import_csv(harness.deps, csv_bytes(*lines, header=header, encoding="cp1252"), layout,
                              encoding="cp1252")
    assert (report.added, report.errors) == (2, [])
    rows = sorted(await harness.rows(CustomerRating), key=lambda r: r.rated_at)
    assert [(r.source, r.score, r.satisfied, r.rated_at.hour) for r in rows] == [
        ("csv:delighted", 90.0, True, 8), ("csv:delighted", 30.0, False, 9)]  # Paris time, stored in UTC
    assert rows[0].comment == "Très bien, merci"


async def test_a_file_that_cannot_be_read_stores_nothing_and_says_why(harness) -> None:
    with pytest.raises(BadFile, match="is empty"):
        await import_csv(harness.deps, io.BytesIO(b""), CsvLayout())
    with pytest.raises(BadFile, match=r"no column 'rating'.*Map names with --map"):
        await import_csv(harness.deps, csv_bytes("x,y,z,w", header="rated_at,agent_email,score,scale\n"), CsvLayout())
    with pytest.raises(BadFile, match="--scale for the whole file"):
        await import_csv(harness.deps, csv_bytes(header="rated_at,agent_email,rating\n"), CsvLayout())
    assert await harness.count(CustomerRating) == 0


async def test_an_interrupted_import_resumes_and_a_large_file_is_exact(harness, backend: str) -> None:
    rows = 100_000 if backend == "sqlite" else 20_000
    day = harness.clock.now() - timedelta(days=2)
    lines = [f"{day + timedelta(seconds=n):%Y-%m-%dT%H:%M:%SZ},agent{n % 40}@example.com,{1 + n % 5},1-5,,T{n}"
             for n in range(rows)]
    half = await import_csv(harness.deps, csv_bytes(*lines[: rows // 2]), CsvLayout())
    assert half.added == rows // 2
    whole = await import_csv(harness.deps, csv_bytes(*lines), CsvLayout())
    assert (whole.added, whole.duplicates, whole.errors) == (rows - rows // 2, rows // 2, [])
    assert await harness.count(CustomerRating) == rows


def test_the_command_line_reports_and_exits_by_what_it_found(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    file = tmp_path / "ratings.csv"
    file.write_text(HEADER + "2026-11-30T10:00:00Z,ana@example.com,4,1-5,,T1\nsoon,ana@example.com,4,1-5,,T2\n")
    assert main(["cx", "import", str(file), "--dry-run"]) == 1
    assert "would add 1" in capsys.readouterr().out
    assert main(["cx", "import", str(file)]) == 1
    out = capsys.readouterr().out
    assert "added 1, 0 already stored, 1 with errors" in out and "line 3: 'soon' is not a date" in out
    assert main(["cx", "status"]) == 0
    assert "csv: " in capsys.readouterr().out
    assert main(["cx", "import", str(tmp_path / "missing.csv")]) == 2
    assert main(["cx", "import", str(file), "--timezone", "Mars/Olympus"]) == 2
    assert "unknown time zone" in capsys.readouterr().err

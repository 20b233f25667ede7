"""Judging a ratings CSV (handlers/cx/csv_rows.judge) in a second process, while this one stores the batches.

Why a process: parsing, normalising and scoring comments cost about as much as storing, and they are
pure Python; on two cores the two processes overlap (measured 14,000 → 16,600 rows/s, the reader now
being the slower side). Batches cross a bounded queue, so memory is bounded however large the file is
(not flat: bench/cx_csv_import.py prints it). Forked (Linux), so the scorer and the open file need no
pickling.
"""
from __future__ import annotations

import multiprocessing
import queue
from datetime import datetime
from typing import BinaryIO

from handlers.cx.csv_rows import BadFile, CsvLayout, Judged, judge
from handlers.cx.scales import BadRating
from handlers.sentiment import Scorer

QUEUED_BATCHES = 2  # judged batches waiting to be stored: the memory bound
WAIT_SECONDS = 1.0


def _reader(raw: BinaryIO, layout: CsvLayout, encoding: str, scorer: Scorer, now: datetime, batch_size: int,
            out: multiprocessing.Queue) -> None:
    try:
        for batch in judge(raw, layout, encoding, scorer, now, batch_size):
            out.put(batch)
    except (BadFile, BadRating, LookupError) as error:
        out.put(error)
    except Exception as error:  # noqa: BLE001 - reported to the parent, which says what failed
        out.put(RuntimeError(f"reading the file failed: {type(error).__name__}: {error}"))
    out.put(None)


class ReaderProcess:
    """judge() in a forked child; `next_batch()` blocks (call it in a thread) until a batch or the end."""

    def __init__(self, raw: BinaryIO, layout: CsvLayout, encoding: str, scorer: Scorer, now: datetime,
                 batch_size: int) -> None:
        context = multiprocessing.get_context("fork")
        self._queue = context.Queue(QUEUED_BATCHES)
        self._process = context.Process(target=_reader, args=(raw, layout, encoding, scorer, now, batch_size,
                                                              self._queue), daemon=True)
        self._process.start()

    def next_batch(self) -> Judged | None:
        """The next batch, None at the end; raises what the reader raised (BadFile, ...)."""
        while True:
            try:
                item = self._queue.get(timeout=WAIT_SECONDS)
            except queue.Empty:
                if not self._process.is_alive():
                    raise RuntimeError(f"the reader process stopped (exit code {self._process.exitcode})") from None
                continue
            if isinstance(item, Exception):
                raise item
            return item

    def close(self) -> None:
        if self._process.is_alive():
            self._process.terminate()
        self._process.join(timeout=5)

"""`python -m bot rescore`: bring every stored sentiment score to the current scorer, with a progress bar."""
from __future__ import annotations

import sys

from tqdm import tqdm

from bot.config import Settings
from bot.wiring import build_ready
from handlers.delivery import rescore

BATCH = 500


async def run_rescore(settings: Settings) -> int:
    deps = await build_ready(settings)
    try:
        async with deps.context() as ctx:
            total = await rescore.pending(ctx)
        if total == 0:
            print(f"Every note, moment and customer comment is already scored by {deps.scorer.version}.")
            return 0
        with tqdm(total=total, unit="text", desc=f"Re-scoring with {deps.scorer.version}", file=sys.stderr) as bar:
            for step in (rescore.rescore_notes, rescore.rescore_moments, rescore.rescore_comments):
                after = 0
                while True:
                    async with deps.context() as ctx:  # one transaction a batch: an interruption loses no work
                        done, after = await step(ctx, after, BATCH)
                    if not done:
                        break
                    bar.update(done)
        print(f"Re-scored {total} notes, moments and customer comments with {deps.scorer.version}.")
        return 0
    finally:
        await deps.close()

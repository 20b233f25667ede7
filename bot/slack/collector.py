"""Automatic garbage collection held off while requests wait for their acknowledgement.

A full collection walks every live object; during a burst that includes all the work held back behind
the acks (bot/slack/ack_first.py), and one pass stalled every request in flight for 70 ms in
bench/slack_ack.py. Reference counting still frees almost everything at once; only cycles wait, and for
no longer than the burst (each holder bounds its hold). The collector is one per process, so holders
are counted here: collection resumes when the last one lets go, if it was on before the first.
"""
from __future__ import annotations

import gc

_holders = 0
_was_enabled = False


def hold() -> None:
    global _holders, _was_enabled
    if _holders == 0:
        _was_enabled = gc.isenabled()
        gc.disable()
    _holders += 1


def let_go() -> None:
    global _holders
    if _holders == 0:
        return
    _holders -= 1
    if _holders == 0 and _was_enabled:
        gc.enable()

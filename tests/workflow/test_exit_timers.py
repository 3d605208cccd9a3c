"""The Snakefile's onsuccess cancels the scheduler's wake-up timers, so a run exits when done."""

import threading
import types

from snakemake.scheduling.job_scheduler import JobScheduler

from peermentor.runner import cancel_rescheduling_timers


def test_the_pinned_snakemakes_wake_up_timer_is_cancelled_and_others_are_left():
    # The scheduler's own method, on a stand-in with the one attribute it uses: if Snakemake
    # stopped starting such a timer, or renamed the method, this fails.
    woken = threading.Semaphore(0)
    scheduler = types.SimpleNamespace(_open_jobs=woken)
    before = set(threading.enumerate())
    JobScheduler._schedule_reevalutation(scheduler, 60)
    (wake_up,) = [t for t in threading.enumerate() if t not in before]
    other = threading.Timer(60, lambda: None)
    other.start()
    try:
        assert isinstance(wake_up, threading.Timer) and not wake_up.daemon
        assert cancel_rescheduling_timers() == 1
        wake_up.join(timeout=5)
        assert not wake_up.is_alive()
        assert not woken.acquire(blocking=False)  # cancelled: the scheduler was not woken
        assert other.is_alive()
    finally:
        other.cancel()
        wake_up.cancel()


def test_nothing_to_cancel_when_no_timer_runs():
    assert cancel_rescheduling_timers() == 0

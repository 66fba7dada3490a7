"""Run one pure computation in a second process while this one draws figures.

The report's two slow halves do not depend on each other: the consistency checks and the
reanalysis (numbers only) and the figures of the data. On a machine with more than one CPU and
``fork`` (Linux, macOS), :func:`start` runs the numbers in a forked child and hands back a
function that waits for them; elsewhere, or if the child fails for any reason, the same
function computes them here, so the result (and any error it raises) is the same either way.
"""

from __future__ import annotations

import os
import pickle
import sys
from collections.abc import Callable
from typing import Any

__all__ = ["start"]


def _child(send: Any, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        data = pickle.dumps(("ok", fn(*args)), protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:  # any failure: the parent recomputes, and raises what it raises
        data = pickle.dumps(("failed", None))
    send.send_bytes(data)
    send.close()


def start(fn: Callable[..., Any], *args: Any, parallel: bool = True) -> Callable[[], Any]:
    """Start ``fn(*args)`` in a forked process (when ``parallel`` and possible).

    Returns a function that returns ``fn(*args)``: the child's result when it succeeded,
    otherwise the value (or the exception) of running ``fn(*args)`` in this process.

    Examples
    --------
    >>> wait = start(sum, [1, 2, 3])
    >>> wait()
    6
    """
    if not parallel or not hasattr(os, "fork") or (os.cpu_count() or 1) < 2:
        return lambda: fn(*args)
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    for stream in (sys.stdout, sys.stderr):  # nothing buffered is written twice
        stream.flush()
    proc = ctx.Process(target=_child, args=(send, fn, args), daemon=True)
    proc.start()
    send.close()

    def wait() -> Any:
        try:
            status, value = pickle.loads(recv.recv_bytes())
        except (EOFError, OSError, pickle.UnpicklingError):
            status, value = "failed", None
        finally:
            recv.close()
            proc.join()
        return value if status == "ok" else fn(*args)

    return wait

"""Time the full figure set of the flagship trial (issue: "a few seconds here").

There is no peer that draws these figures from a trial; the row records trialkit's time only,
for both styles, PNG at the style's resolution, written to a temporary folder.
"""

from __future__ import annotations

import tempfile
import time


def run() -> list[dict]:
    import trialkit
    from trialkit.figures import write_figures

    trial = trialkit.load("mejuto2014")
    rows = []
    for style in ("slide", "paper"):
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            files = write_figures(trial, out, formats=["png"], style=style)
            elapsed = time.perf_counter() - start
        rows.append({"name": f"mejuto2014 figure set, {style} style ({len(files)} PNG files)",
                     "trialkit_s": elapsed, "peer": "none (no peer draws these)",
                     "peer_s": None, "ratio": None, "target": "a few seconds",
                     "note": "analysis + drawing + PNG encoding, one process"})
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)

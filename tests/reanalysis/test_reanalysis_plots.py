"""Figures of the reanalysis frames: what they draw comes from the frames, nothing else."""

from __future__ import annotations

import pytest

from trialkit import TrialDataError, plots
from trialkit.reanalysis import bayes, design_curve, pool, posterior_curves, responders


@pytest.mark.parametrize("style", ["paper", "slide"])
def test_posterior_marks_the_mcid_on_the_benefit_side(style):
    res = bayes(-2.0, 0.8, prior=["skeptical", "flat"], mcid=1.3, direction="lower_is_better")
    ax = plots.posterior(res, posterior_curves(res), style=style, unit="points",
                         illustrative=True)
    mcid = [ln for ln in ax.get_lines() if ln.get_gid() == "trialkit-mcid"]
    assert len(mcid) == 1 and mcid[0].get_xdata()[0] == -1.3
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    # The legend's probabilities are the frame's p_mcid: 0.289 and 0.809 (hand values in
    # test_reanalysis.py), shown to two decimals.
    assert labels == ["skeptical: 0.29", "flat: 0.81"]
    assert ax.get_legend().get_title().get_text() == "Prior: P(benefit \u2265 MCID)"
    texts = {t.get_gid(): t.get_text() for t in ax.texts}
    assert texts["trialkit-benefit-side"] == "\u2190 benefit"
    assert "trialkit-illustrative" in texts


def test_posterior_never_prints_a_rounded_certainty():
    res = bayes(-5.0, 0.5, prior="flat", mcid=1.3, direction="lower_is_better")
    ax = plots.posterior(res, posterior_curves(res))
    assert ax.get_legend().get_texts()[0].get_text().endswith("> 0.99")


def test_posterior_needs_one_estimate():
    res = bayes([-2.0, -1.0], [0.8, 0.8], prior="flat")
    with pytest.raises(TrialDataError, match="several estimates"):
        plots.posterior(res, posterior_curves(res))


def test_exaggeration_marks_the_requested_effect():
    curve = design_curve(1.0, effects=[0.5, 1.3, 2.8])
    ax = plots.exaggeration(curve, mark=1.3)
    note = next(t for t in ax.texts if t.get_gid() == "trialkit-mark").get_text()
    row = curve[curve["true_effect"] == 1.3].iloc[0]
    assert note == f"{row['type_m']:.1f}\u00d7 at 1.30, power {row['power']:.0%}"
    with pytest.raises(TrialDataError, match="true_effect"):
        plots.exaggeration(curve, mark=1.0)


def test_responder_bars_and_pooled_forest():
    r = responders(-3.0, 2.0, 20, -1.0, 2.0, 20, -1.3, direction="lower_is_better")
    ax = plots.responder_bars(r, labels=("Needling", "Waiting list"))
    assert [round(float(p.get_height()), 6) for p in ax.patches] == [0.802337, 0.440382]
    assert ax.get_title(loc="left").endswith("NNTB 1.7 to NNTB 6.6")
    p = pool([0.1, 0.3, 0.5], [0.01, 0.02, 0.04], method="DL", labels=["A", "B", "C"])
    ax = plots.pooled_forest(p)
    diamond = next(c for c in ax.patches if c.get_gid() == "trialkit-diamond")
    xs = diamond.get_xy()[:, 0]
    pooled = p[p["kind"] == "random"].iloc[0]
    assert min(xs) == pytest.approx(pooled["ci_low"]) and max(xs) == pytest.approx(
        pooled["ci_high"])

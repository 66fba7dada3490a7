"""Screening a body of trials at once (Carlisle 2017; Bolland et al. 2019, 2021).

One long table of many trials' summary rows (one row per trial x variable x arm) is read into
the *rows* frame described in :mod:`trialkit.screen._rows`; within-trial checks and the
across-trial techniques all take that frame.
"""

"""Synthetic footage: a jointed mannequin performs the routine with faults of known severity.

Never imported by the analysis path (``repcheck.analyze``); used for tests, training data and
benchmarks.
"""

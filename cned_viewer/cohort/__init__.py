"""Cohort research: running many cases on a Dask cluster and the statistics the score papers used.

- :mod:`~cned_viewer.cohort.runner`: map a plain-data function over cases on a Dask cluster (or
  in-process), with progress, an append-only journal and resume;
- :mod:`~cned_viewer.cohort.table`: the columns of a ``batch`` / ``score-table`` output as numbers;
- :mod:`~cned_viewer.cohort.stats`: C-index, ROC and Youden cut-off, Kaplan-Meier and log-rank,
  logistic regression, calibration (lifelines, scikit-learn, statsmodels: nothing by hand);
- :mod:`~cned_viewer.cohort.pdf`: the cohort report, drawn with matplotlib (Agg, no display).

No Qt here; the command line and the viewer call into it.
"""

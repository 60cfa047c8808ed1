"""The record of a node run: what a node task leaves in XCom, which of it counts, and every way it is read.

``record`` holds the XCom keys (once), the current-try rule and the decoding per node kind; the adapters read
the records through each access path Airflow offers: ``execution_api`` (a running task), ``orm`` (the metadata
database: manual marks, notes, the local runner) and ``rest`` (the public REST API: ``status``, the demo's report
and the plugin's workflow view). ``report`` turns records into the ``run --json`` report (semantics/report.py).
"""

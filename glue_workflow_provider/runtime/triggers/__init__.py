"""Deferrable triggers that wait for a Glue job run or crawl to end (run in the triggerer)."""

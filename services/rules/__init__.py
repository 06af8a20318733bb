"""Automatic trading rules: a rule compares the live price with its moving average and
trades through the ordinary order path (source ``auto``) within its limits.

- services.rules.store: create, edit, pause, delete and list rules (the pages and API)
- services.rules.book: the worker's index of active rules by ticker, with incremental
  moving averages, so a tick costs in proportion to the rules whose ticker moved
- services.rules.trade: one decision in one transaction, logged traded or skipped
"""

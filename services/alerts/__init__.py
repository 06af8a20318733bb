"""Price alerts: above/below a price, or a percent move in the day; each fires once.

- services.alerts.store: create, list and delete alerts (validated, capped per user)
- services.alerts.watch: the worker's index of open alerts by ticker, and firing
"""

"""Pure analysis computation over NumPy arrays: indicators, risk, Monte Carlo, backtests.

Nothing here touches the database; services/analysis gathers the data and calls these.
"""

"""Analysis services: gather stored bars and holdings, check parameters, call utils.analysis.

One module per capability (indicators, risk, monte_carlo, backtest, valuation,
performance); ``params`` refuses bad input before anything is computed, ``cache``
answers a repeated request with the same parameters for a short while.
"""

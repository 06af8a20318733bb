"""Stream computations: moving averages over time and tumbling-window statistics."""

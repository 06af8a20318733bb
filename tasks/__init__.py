"""The background worker: follows prices, builds candles and publishes events."""

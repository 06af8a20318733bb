"""Activity statistics over the order and fill events: tumbling windows in memory
(utils.streams.windows) for the last hour, one summary row per minute in the
database, and the JSON the admin dashboard reads."""

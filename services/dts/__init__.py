"""The Day Trading System (DTS) command set on PaperDesk's own engine.

A DTS user is a PaperDesk user (who cannot sign in until an admin sets a password),
ADD is a ledger deposit, a pending BUY/SELL is a quote hold, a buy or sell trigger
is a resting limit order (source ``dts``) that the engine's record-based fill path
fills, and every command leaves events in one table (models.dts) that DUMPLOG
writes as XML.

Modules: ``parser`` (lines to commands), ``quotes`` (the seeded random-walk quote
source or fixed prices), ``events`` (the event buffer, written in batches),
``users``, ``commands`` (the 16 commands), ``triggers``, ``summary``, ``runner``
(groups of commands in one transaction with a savepoint per command, and the
parallel runner), ``dumplog`` (streamed XML).
"""

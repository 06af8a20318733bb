"""The traffic generator: ``flask simulate traders``.

- tasks.simulate.traders: demo traders with approved deposits (and API tokens for HTTP)
- tasks.simulate.flow: what a trader does next, sized within what the account allows
- tasks.simulate.clients: sending an action through the services or over HTTP
- tasks.simulate.cli: the command, its pacing, progress bar and summary
"""

"""The assistant's tools: typed functions over the asking user's data, read-only.

A UserTools is made for the signed-in user of the request; its methods take no user
argument, so whatever a model asks, they read that user's data and nobody else's. No
tool places, changes or cancels an order or moves money; propose_order only returns a
filled-in ticket link for the user to open, quote and confirm.
"""

from services.assistant.tools_account import AccountTools
from services.assistant.tools_market import MarketTools
from utils.assistant.base import ToolBox

NAMES = [
    "get_quote", "get_price_history_summary", "get_portfolio", "get_orders",
    "get_account_performance", "get_risk_metrics", "run_monte_carlo", "get_indicators",
    "search_stocks", "explain_term", "propose_order",
]  # fmt: skip


class UserTools(MarketTools, AccountTools):
    """The tools for one user; ``toolbox()`` hands them to an assistant client."""

    def __init__(self, user_id: int):
        self._user_id = user_id

    def toolbox(self) -> ToolBox:
        """All tools, in the order they are declared to the model."""
        return ToolBox([getattr(self, name) for name in NAMES])

"""The conversation sent back as context, trimmed to a token budget."""

import json

from utils.assistant.base import Turn

CHARS_PER_TOKEN = 4  # a common rule of thumb for English text


def estimate_tokens(text: str) -> int:
    """A rough token count: about four characters a token, at least one."""
    return max(1, len(text or "") // CHARS_PER_TOKEN)


def turn_tokens(turn: Turn) -> int:
    """A turn's size, its tool calls included."""
    calls = json.dumps([c.as_json() for c in turn.tool_calls]) if turn.tool_calls else ""
    return estimate_tokens(turn.text) + (estimate_tokens(calls) if calls else 0)


def trim(turns: list[Turn], budget: int) -> list[Turn]:
    """The newest turns that fit in ``budget`` tokens, oldest first.

    The history starts with a user turn (a model answer without its question is
    dropped), and a turn that alone exceeds the budget is left out.
    """
    kept: list[Turn] = []
    used = 0
    for turn in reversed(turns):
        size = turn_tokens(turn)
        if used + size > budget:
            break
        kept.append(turn)
        used += size
    kept.reverse()
    while kept and kept[0].role != "user":
        kept.pop(0)
    return kept

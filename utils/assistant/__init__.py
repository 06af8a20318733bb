"""The assistant's clients behind one interface: Gemini (google-genai) and an offline assistant.

Both take the conversation so far, the new message and a ToolBox bound to the asking
user, and yield events: text as it is written, each tool call, and a final Result.
Nothing here touches the database; the tools come from services.assistant.
"""

from utils.assistant.base import (
    AssistantClient,
    Event,
    Result,
    ToolBox,
    ToolCall,
    Turn,
)

__all__ = ["AssistantClient", "Event", "Result", "ToolBox", "ToolCall", "Turn"]

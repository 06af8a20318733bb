"""Gemini first, the offline assistant when it fails: the user always gets an answer."""

from collections.abc import Iterator

from utils.assistant.base import Event, GeminiUnavailable, ToolBox, Turn


class WithFallback:
    """Stream the primary client; on GeminiUnavailable, discard its partial answer (a
    ``reset`` event) and let the fallback answer, with a notice saying why."""

    def __init__(self, primary, fallback):
        self.primary, self.fallback = primary, fallback
        self.name = primary.name

    def stream(
        self, history: list[Turn], message: str, tools: ToolBox, context: dict | None = None
    ) -> Iterator[Event]:
        """Events of the primary client, or of the fallback after a reset."""
        try:
            yield from self.primary.stream(history, message, tools, context)
            return
        except GeminiUnavailable as exc:
            reason = str(exc)
        yield Event("reset")
        for event in self.fallback.stream(history, message, tools, context):
            if event.kind == "done":
                event.result.notice = f"{reason} The offline assistant answered instead."
            yield event

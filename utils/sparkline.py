"""Sparklines as SVG polyline points: no script needed to draw them."""

WIDTH, HEIGHT = 100, 28


def points(values, width: int = WIDTH, height: int = HEIGHT) -> str:
    """The "x,y x,y ..." points of a line through ``values`` scaled into width x height
    (y grows downwards, as in SVG). Fewer than two values give an empty string."""
    numbers = [float(v) for v in values]
    if len(numbers) < 2:
        return ""
    low, high = min(numbers), max(numbers)
    span = (high - low) or 1.0
    step = width / (len(numbers) - 1)
    return " ".join(
        f"{i * step:.1f},{height - 1 - (v - low) / span * (height - 2):.1f}"
        for i, v in enumerate(numbers)
    )

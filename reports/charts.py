"""Charts drawn on the server as inline SVG: bar geometry computed here, drawn by
``templates/reports/_bars.html`` and ``_hbars.html``; each chart has its data
table beside it, so the figures are readable without the picture."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

WIDTH = 640
HEIGHT = 260
MARGIN_LEFT = 40
MARGIN_BOTTOM = 36
MARGIN_TOP = 16
BAR_HEIGHT = 22
LABEL_WIDTH = 200


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: Any
    series: int


@dataclass(frozen=True)
class Slot:
    label: str
    x: float
    bars: list[Bar]


def nice_max(value: float, ticks: int = 4) -> int:
    """A round top for the axis, at least ``value``, cut in ``ticks`` whole steps
    of 1, 2 or 5 times a power of ten."""
    magnitude = 1
    while True:
        for step in (magnitude, 2 * magnitude, 5 * magnitude):
            if step * ticks >= value:
                return step * ticks
        magnitude *= 10


def grouped_bars(labels: list[str], series: list[list[int]]) -> dict[str, Any]:
    """Vertical bars, one group per label and one bar per series in it."""
    top = nice_max(max((v for values in series for v in values), default=0))
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    plot_width = WIDTH - MARGIN_LEFT - 8
    slot = plot_width / max(len(labels), 1)
    bar = slot * 0.8 / max(len(series), 1)
    slots = []
    for i, label in enumerate(labels):
        x0 = MARGIN_LEFT + i * slot + slot * 0.1
        bars = []
        for s, values in enumerate(series):
            height = plot_height * values[i] / top
            bars.append(
                Bar(
                    x=round(x0 + s * bar, 1),
                    y=round(MARGIN_TOP + plot_height - height, 1),
                    width=round(bar - 1, 1),
                    height=round(height, 1),
                    value=values[i],
                    series=s,
                )
            )
        slots.append(Slot(label, round(x0 + slot * 0.4, 1), bars))
    ticks = [
        {
            "value": top * k // 4,
            "y": round(MARGIN_TOP + plot_height * (1 - k / 4), 1),
            "x": MARGIN_LEFT - 6,
        }
        for k in range(5)
    ]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "slots": slots,
        "ticks": ticks,
        "left": MARGIN_LEFT,
        "right": WIDTH - 8,
        "baseline": MARGIN_TOP + plot_height,
        "label_y": HEIGHT - MARGIN_BOTTOM + 16,
    }


def horizontal_bars(items: list[tuple[str, Decimal | None, int]]) -> dict[str, Any]:
    """One bar per item: its rate (0–1) as a share of the width, with its count;
    an item without a rate gets no bar and says "no data"."""
    plot = WIDTH - LABEL_WIDTH - 60
    rows = []
    for i, (label, value, count) in enumerate(items):
        rows.append(
            {
                "label": label[:40],
                "y": 8 + i * (BAR_HEIGHT + 8),
                "width": round(plot * float(value), 1) if value is not None else 0,
                "value": value,
                "count": count,
                "text_y": 8 + i * (BAR_HEIGHT + 8) + BAR_HEIGHT * 0.7,
            }
        )
    return {
        "width": WIDTH,
        "height": 16 + len(items) * (BAR_HEIGHT + 8),
        "rows": rows,
        "bar_x": LABEL_WIDTH,
        "bar_height": BAR_HEIGHT,
        "plot": plot,
        "value_x": LABEL_WIDTH + plot + 6,
    }

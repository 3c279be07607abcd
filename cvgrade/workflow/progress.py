"""A one-line progress bar: items done, rate and time left, on stderr.

On a terminal the line redraws in place; elsewhere (CI logs) a line is printed
per finished item.
"""

from __future__ import annotations

import sys
import time

WIDTH = 24


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


class Progress:
    """Counts finished items out of `total` and draws the bar after each."""

    def __init__(self, total: int, label: str = "submissions", stream=None):
        self.total, self.label, self.done = total, label, 0
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self.live = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._draw()

    def line(self) -> str:
        elapsed = time.monotonic() - self.started
        rate = self.done / elapsed if elapsed > 0 and self.done else 0.0
        filled = WIDTH * self.done // self.total if self.total else WIDTH
        left = _clock((self.total - self.done) / rate) if rate else "?"
        return (f"[{'#' * filled}{'.' * (WIDTH - filled)}] {self.done}/{self.total} {self.label}"
                f"  {rate:.2f}/s  {left} left")

    def _draw(self) -> None:
        if self.live:
            self.stream.write("\r" + self.line())
            self.stream.flush()

    def advance(self, note: str = "") -> None:
        self.done += 1
        if self.live:
            self._draw()
        else:
            self.stream.write(self.line() + (f"  {note}" if note else "") + "\n")
            self.stream.flush()

    def close(self) -> None:
        if self.live:
            self.stream.write("\n")
            self.stream.flush()

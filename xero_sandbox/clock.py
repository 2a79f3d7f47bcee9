"""A clock that tests can speed up or move forward, shared by limits and tokens."""

import threading
import time
from datetime import datetime, timezone


class Clock:
    def __init__(self, speed=1.0):
        self._lock = threading.Lock()
        self._speed = float(speed)
        self._offset = 0.0
        self._real_start = time.time()
        self._mono_start = time.monotonic()

    @property
    def speed(self):
        return self._speed

    def set_speed(self, speed):
        with self._lock:
            now = self._now_unlocked()
            self._speed = float(speed)
            self._real_start = now - self._offset
            self._mono_start = time.monotonic()

    def advance(self, seconds):
        with self._lock:
            self._offset += float(seconds)

    def reset(self):
        with self._lock:
            self._speed = 1.0
            self._offset = 0.0
            self._real_start = time.time()
            self._mono_start = time.monotonic()

    def _now_unlocked(self):
        elapsed = (time.monotonic() - self._mono_start) * self._speed
        return self._real_start + elapsed + self._offset

    def time(self):
        """Seconds since the epoch, in sandbox time."""
        with self._lock:
            return self._now_unlocked()

    def now(self):
        return datetime.fromtimestamp(self.time(), tz=timezone.utc)

    def today(self):
        return self.now().date()

    def real_seconds(self, sandbox_seconds):
        return sandbox_seconds / self._speed if self._speed else sandbox_seconds

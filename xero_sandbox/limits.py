"""Xero's rate limits: calls in flight, per minute and per day per organisation, per app."""

import math
import threading
from collections import deque

from .errors import problem

MINUTE = 60
DAY = 86400


class RateLimited(Exception):
    def __init__(self, problem_name, retry_after):
        super().__init__(problem_name, retry_after)
        self.problem = problem_name
        self.retry_after = retry_after


class RateLimiter:
    def __init__(self, clock, limits, stats=None):
        self.clock = clock
        self.limits = limits  # shared dict, editable at run time
        self.stats = stats  # a load_stats.LoadStats told what is admitted and refused, or None
        self._lock = threading.Lock()
        self._in_flight = {}
        self._minute = {}
        self._day = {}
        self._app_minute = deque()

    def reset(self):
        with self._lock:
            self._in_flight.clear()
            self._minute.clear()
            self._day.clear()
            self._app_minute.clear()

    def acquire(self, tenant_id):
        """Count a call, or raise RateLimited. Pair every success with ``release``."""
        now = self.clock.time()
        with self._lock:
            minute = self._window(self._minute, tenant_id, now, MINUTE)
            day = self._window(self._day, tenant_id, now, DAY)
            prune(self._app_minute, now, MINUTE)
            try:
                if self._in_flight.get(tenant_id, 0) >= self.limits["concurrent"]:
                    raise RateLimited("concurrent", 1)
                if len(day) >= self.limits["per_day"]:
                    raise RateLimited("day", wait_for(day, now, DAY))
                if len(minute) >= self.limits["per_minute"]:
                    raise RateLimited("minute", wait_for(minute, now, MINUTE))
                if len(self._app_minute) >= self.limits["app_per_minute"]:
                    raise RateLimited("appminute", wait_for(self._app_minute, now, MINUTE))
            except RateLimited as limited:
                if self.stats is not None:
                    self.stats.refused(tenant_id, limited.problem)
                raise
            minute.append(now)
            day.append(now)
            self._app_minute.append(now)
            self._in_flight[tenant_id] = self._in_flight.get(tenant_id, 0) + 1
            if self.stats is not None:
                self.stats.admitted(tenant_id, now, self._in_flight[tenant_id])

    def release(self, tenant_id):
        with self._lock:
            self._in_flight[tenant_id] = max(0, self._in_flight.get(tenant_id, 0) - 1)

    def remaining(self, tenant_id):
        now = self.clock.time()
        with self._lock:
            minute = self._window(self._minute, tenant_id, now, MINUTE)
            day = self._window(self._day, tenant_id, now, DAY)
            prune(self._app_minute, now, MINUTE)
            return {
                "X-MinLimit-Remaining": max(0, self.limits["per_minute"] - len(minute)),
                "X-DayLimit-Remaining": max(0, self.limits["per_day"] - len(day)),
                "X-AppMinLimit-Remaining": max(
                    0, self.limits["app_per_minute"] - len(self._app_minute)
                ),
            }

    @staticmethod
    def _window(windows, tenant_id, now, span):
        calls = windows.setdefault(tenant_id, deque())
        prune(calls, now, span)
        return calls


def prune(calls, now, span):
    while calls and calls[0] <= now - span:
        calls.popleft()


def wait_for(calls, now, span):
    return max(1, math.ceil(calls[0] + span - now))


def too_many_requests(limited, remaining):
    headers = {"Retry-After": str(limited.retry_after), "X-Rate-Limit-Problem": limited.problem}
    headers.update({k: str(v) for k, v in remaining.items()})
    return problem(
        429,
        "Too Many Requests",
        "Rate limit exceeded: %s limit. Retry after %s seconds."
        % (limited.problem, limited.retry_after),
        headers,
    )

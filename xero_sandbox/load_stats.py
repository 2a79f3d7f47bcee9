"""What an organisation went through under load, for benchmarks (``GET /sandbox/stats``): the
most calls in flight at once, the most calls in any 60 seconds, the refusals of the rate
limiter (and, apart, the 429s of injected faults), and the reads per endpoint.

The figures count from the last clear (``DELETE /sandbox/requests``, ``POST
/sandbox/reset``); the limiter's own counts are not touched by a clear."""

import threading
from collections import deque

WINDOW = 60  # seconds: Xero's minute limit, as the limiter keeps it
LIMITER_PROBLEMS = ("concurrent", "minute", "day", "appminute")
INJECTED_PROBLEMS = ("minute", "day", "appminute")


def endpoint_name(api_path):
    """``/Contacts/abc.../History`` -> ``Contacts/{id}/History``: counts group by shape."""
    parts = [p for p in api_path.split("/") if p]
    shaped = [parts[0]] if parts else []
    for part in parts[1:]:
        shaped.append("{id}" if len(part) == 36 and part.count("-") == 4 else part)
    return "/".join(shaped)


def max_in_window(times, span=WINDOW):
    """The most of ``times`` (seconds, in any order) within any ``span`` seconds: a time
    ``t`` and those after it up to, not including, ``t + span`` (as the limiter counts: a call
    ``span`` seconds old has left its window)."""
    ordered = sorted(times)
    best = start = 0
    for end, moment in enumerate(ordered):
        while ordered[start] <= moment - span:
            start += 1
        best = max(best, end - start + 1)
    return best


class TenantStats:
    def __init__(self):
        self.calls = 0
        self.max_in_flight = 0
        self.max_per_minute = 0
        self.busiest_minute_end = None
        self.recent = deque()  # arrival times of the admitted calls of the last WINDOW seconds
        self.refused = dict.fromkeys(LIMITER_PROBLEMS, 0)
        self.injected = dict.fromkeys(INJECTED_PROBLEMS, 0)
        self.gets = {}

    def admitted(self, now, in_flight):
        self.calls += 1
        self.max_in_flight = max(self.max_in_flight, in_flight)
        self.recent.append(now)
        while self.recent and self.recent[0] <= now - WINDOW:
            self.recent.popleft()
        if len(self.recent) > self.max_per_minute:
            self.max_per_minute = len(self.recent)
            self.busiest_minute_end = now

    def as_dict(self):
        return {
            "calls": self.calls,
            "max_in_flight": self.max_in_flight,
            "max_per_minute": self.max_per_minute,
            "busiest_minute_end": self.busiest_minute_end,
            "refused": dict(self.refused),
            "refused_total": sum(self.refused.values()),
            "injected": dict(self.injected),
            "injected_total": sum(self.injected.values()),
            "gets": dict(self.gets),
        }


class LoadStats:
    """Per organisation (tenant ID). The limiter reports what it admits and refuses, the API
    the 429s of injected faults and the GETs; all under one lock."""

    def __init__(self, clock):
        self.clock = clock
        self._lock = threading.Lock()
        self._tenants = {}
        self.since = clock.time()

    def clear(self):
        with self._lock:
            self._tenants = {}
            self.since = self.clock.time()

    def _tenant(self, tenant_id):
        return self._tenants.setdefault(tenant_id, TenantStats())

    def admitted(self, tenant_id, now, in_flight):
        """A call the limiter let through at ``now`` (sandbox time), ``in_flight`` counting it."""
        with self._lock:
            self._tenant(tenant_id).admitted(now, in_flight)

    def refused(self, tenant_id, problem):
        """A 429 of the limiter itself: ``problem`` as its X-Rate-Limit-Problem."""
        with self._lock:
            refused = self._tenant(tenant_id).refused
            refused[problem] = refused.get(problem, 0) + 1

    def injected(self, tenant_id, problem):
        """A 429 answered by an injected ``rate_limit`` fault, not by the limiter."""
        with self._lock:
            injected = self._tenant(tenant_id).injected
            injected[problem] = injected.get(problem, 0) + 1

    def read(self, tenant_id, api_path):
        """A GET the limiter admitted (a page read, a read by ID)."""
        name = endpoint_name(api_path)
        with self._lock:
            gets = self._tenant(tenant_id).gets
            gets[name] = gets.get(name, 0) + 1

    def snapshot(self):
        with self._lock:
            return {
                "since": round(self.since, 3),
                "window_seconds": WINDOW,
                "tenants": {tid: stats.as_dict() for tid, stats in self._tenants.items()},
            }

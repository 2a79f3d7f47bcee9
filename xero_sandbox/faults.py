"""Faults injected per endpoint: error answers, timeouts, latency, dropped connections.

``latency`` delays a call before Xero starts on it; ``slow`` makes the operation itself take
``seconds`` longer while it holds its organisation (other organisations are not held up)."""

import re
import threading
import uuid

KINDS = {
    "error",
    "timeout",
    "latency",
    "slow",
    "drop_after_write",
    "drop_before_write",
    "rate_limit",
}


PROBLEMS = ("minute", "day", "appminute")  # Xero's X-Rate-Limit-Problem values


class FaultError(ValueError):
    pass


def normalise_fault(raw):
    kind = raw.get("kind")
    if kind not in KINDS:
        raise FaultError("kind must be one of %s" % ", ".join(sorted(KINDS)))
    path = raw.get("path") or ".*"
    try:
        re.compile(path)
    except re.error as exc:
        raise FaultError("path is not a valid regular expression: %s" % exc) from exc
    fault = {
        "id": str(uuid.uuid4()),
        "kind": kind,
        "method": (raw.get("method") or "").upper() or None,
        "path": path,
        "tenant": (raw.get("tenant") or "").lower() or None,
        "status": int(raw.get("status") or (504 if kind == "timeout" else 503)),
        "seconds": float(raw.get("seconds") or (30 if kind == "timeout" else 0)),
        "skip": int(raw.get("skip") or 0),
        "times": None if raw.get("times") is None else int(raw["times"]),
        "problem": raw.get("problem") or "minute",
        "retry_after": int(raw.get("retry_after") or 60),
        "hits": 0,
    }
    if not 400 <= fault["status"] <= 599:
        raise FaultError("status must be an HTTP error status")
    if fault["problem"] not in PROBLEMS:
        raise FaultError("problem must be one of %s" % ", ".join(PROBLEMS))
    return fault


class Faults:
    def __init__(self, faults):
        self.faults = faults  # shared list kept in the State
        self._lock = threading.Lock()

    def add(self, raw):
        fault = normalise_fault(raw)
        with self._lock:
            self.faults.append(fault)
        return fault

    def clear(self):
        with self._lock:
            del self.faults[:]

    def take(self, method, path, tenant_id):
        """The fault that fires for this call, if any; consumes one of its ``times``."""
        with self._lock:
            for fault in self.faults:
                if not matches(fault, method, path, tenant_id):
                    continue
                if fault["skip"] > 0:
                    fault["skip"] -= 1
                    continue
                if fault["times"] is not None:
                    if fault["times"] <= 0:
                        continue
                    fault["times"] -= 1
                fault["hits"] += 1
                return dict(fault)
        return None


def matches(fault, method, path, tenant_id):
    if fault["method"] and fault["method"] != method:
        return False
    if fault["tenant"] and fault["tenant"] != (tenant_id or "").lower():
        return False
    return re.fullmatch(fault["path"], path, flags=re.IGNORECASE) is not None

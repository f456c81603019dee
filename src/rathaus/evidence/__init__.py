"""Receipts provable offline: canonical JSON, sealed (CMS/CAdES detached) and time-stamped
(RFC 3161), chained by hash (issue 10 §2; docs/evidence.md)."""

"""Changing the record safely: new bulletins, corrections, imports of legacy bulletins, a preview server."""

from __future__ import annotations

from .refused import (BulletinExists, BulletinNotFound, DateInFuture, NoSlug, Refused, SeriesUnknown)

__all__ = ["BulletinExists", "BulletinNotFound", "DateInFuture", "NoSlug", "Refused", "SeriesUnknown"]

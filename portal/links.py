"""Absolute links for what leaves the browser — calendar files and feeds — built from BASE_URL,
never from the request's Host header (which a client chooses)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, url_for


def absolute(endpoint: str, **values) -> str:
    return f"{current_app.config['BASE_URL']}{url_for(endpoint, **values)}"


def calendar_host() -> str:
    """The host part of calendar UIDs (RFC 5545 §3.8.4.7: globally unique, so ours)."""
    return urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"


def offer_link(offer) -> str:
    return absolute("citizen.offer", offer_id=offer.id)


def concern_link(meeting) -> str:
    """The concern page a meeting belongs to."""
    return absolute("concerns.detail", concern_id=meeting.concern_id)

"""Organizer pages: contest settings and the entries list."""

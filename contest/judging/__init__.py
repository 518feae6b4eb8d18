"""Judges score their assigned entries; organizers assign and watch progress."""

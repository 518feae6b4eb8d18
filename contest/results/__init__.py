"""Ranking, tie resolution, finalization and publication."""

"""Accounts: registration, login, logout and role checks."""

"""Ranking pages (being built)."""
from flask import Blueprint

bp = Blueprint("results", __name__)

"""Author pages (being built)."""
from flask import Blueprint

bp = Blueprint("entries", __name__)


@bp.get("/my/entries")
def mine():
    return "entries"


@bp.get("/c/<slug>/submit")
def new(slug):
    return "new"

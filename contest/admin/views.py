"""Organizer pages (being built)."""
from flask import Blueprint

bp = Blueprint("admin", __name__)


@bp.get("/organize/")
def index():
    return "admin"

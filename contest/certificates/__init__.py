"""Certificates: issuing, numbering and PDF rendering."""

"""The office's documents after finalizing: minutes, annex, proposals (DOCX, PDF) and the ranking (XLSX)."""

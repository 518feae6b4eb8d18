"""The secretariat: screening entries, and entries received by post."""

"""Authors submit and edit their entries."""

"""Developer tools run by the nox sessions (`python -m tools.<name>`); not installed."""

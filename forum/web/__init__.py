"""The web layer: thin views that translate requests into commands and queries."""

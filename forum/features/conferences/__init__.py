"""Conferences: the FirstClass spaces, their résumés and ordered access lists."""

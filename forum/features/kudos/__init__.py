"""Recognising learning: kudos on posts and talks, and "today I learned"."""

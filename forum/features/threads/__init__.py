"""Threads and posts: starting, replying, editing, removing; the reading pages."""

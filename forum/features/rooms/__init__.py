"""Live chat rooms and direct conversations, and chat moved into a thread."""

"""The monthly "what we learned" digest, and publishing its public part."""

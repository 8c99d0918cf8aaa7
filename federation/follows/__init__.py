"""The fediverse's followers of our actors: requests, answers and policies."""

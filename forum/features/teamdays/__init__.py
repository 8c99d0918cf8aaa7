"""Team-together days: sessions with places, and their follow-ups."""

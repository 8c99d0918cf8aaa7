"""Who knows what: skills from résumés, "ask who knows X", mentoring."""

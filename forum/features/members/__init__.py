"""Members: registration, invitations, profiles, passwords, API tokens, sign-in."""

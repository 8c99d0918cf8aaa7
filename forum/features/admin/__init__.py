"""Administration pages: accounts, invitations, conferences and their access lists."""

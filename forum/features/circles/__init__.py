"""Study circles: small groups that meet on a cadence with a reading list."""

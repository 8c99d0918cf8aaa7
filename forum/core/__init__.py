"""What every feature stands on: the event log, the database, subscribers, the one
visibility rule, errors, Markdown and configuration. Imports no feature."""

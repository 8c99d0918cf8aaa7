"""Live Commonroom: Socket.IO pushes that follow the committed log, their payloads,
and who is online."""

"""The talk rota: slots, sign-up, swaps, reminders, write-ups and calendar feeds."""

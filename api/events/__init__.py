"""Domain events: the flush listener that writes them to the outbox, their payload schemas and their envelope."""

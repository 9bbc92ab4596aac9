"""Domain events: the flush listener that writes them to the outbox, and their catalogue in the OpenAPI document."""

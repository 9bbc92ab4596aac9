"""Everything that talks to the outside world: HTTP, the database, tokens, documents."""

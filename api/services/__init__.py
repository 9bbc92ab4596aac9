"""Use cases: load rows, apply the rules, flush. The request's session dependency commits; services never do."""

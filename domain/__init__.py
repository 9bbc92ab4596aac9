"""The rules of pedagogical supervision (pædagogisk tilsyn), in the standard library only.

Nothing here knows about HTTP, databases or tokens: `api/` loads data, calls into this package and
persists what it decides. A test checks in a fresh interpreter that no third-party module is imported.
"""

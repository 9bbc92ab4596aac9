"""Test infrastructure: the throwaway PostgreSQL cluster, factories and token helpers."""

"""Alembic migrations, shipped inside the package so `tilsyn migrate` works from any install."""

"""Rendering of reports (PDF and HTML), tested without a database."""

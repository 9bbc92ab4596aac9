"""Imports: reading CSV, XLSX and JSON row by row, checking each row, and writing all of a file or none of it."""

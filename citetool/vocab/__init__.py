"""The vocabulary of each foreign format, shared by its reader (importer) and writer (style)."""

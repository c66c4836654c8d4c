"""citetool: citations and metadata for archival documents, from validated YAML records."""

__version__ = "0.1.0"

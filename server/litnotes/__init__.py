"""litnotes: a language server and checker for Obsidian research vaults."""
__version__ = "0.1.0"

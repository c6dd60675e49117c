"""navm: a compiler and runtime for neutral-atom quantum computers."""

__version__ = "0.1.0"

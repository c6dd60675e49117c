"""The σ-language front end: JSON circuits whose qubits are lattice addresses (docs/sigma.md)."""

from navm.frontend.sigma.parser import parse_sigma_file, parse_sigma_text

__all__ = ["parse_sigma_file", "parse_sigma_text"]

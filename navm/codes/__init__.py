"""Generators of quantum error-correction experiments written as navm programs."""

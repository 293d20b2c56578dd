"""Figures, one module per kind, each drawn in the language of the translator it is given."""

"""Measures: the catalogue (one YAML file per measure), the engine that computes
every monthly series in one pass, and RAG / direction-of-travel rules."""

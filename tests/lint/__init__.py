"""Tests of the linter: rules, engine, fixes, the seed and the corpus."""

"""The development harness: synthetic archives, the benchmark, the link checker."""

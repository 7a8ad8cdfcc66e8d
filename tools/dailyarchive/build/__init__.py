"""Staged folders and Sphinx builds, in worker processes or on a Dask cluster."""

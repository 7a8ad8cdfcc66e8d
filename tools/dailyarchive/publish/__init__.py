"""Publishing: build the Sphinx project into HTML (later PDF, EPUB and downloads)."""

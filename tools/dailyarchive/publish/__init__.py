"""Publishing: the HTML site, the books (PDF per volume, EPUB per series), the offline zip, the data package, deposits."""

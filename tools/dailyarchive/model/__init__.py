"""Files → validated models and every problem: the schema, the loader, safe reading, EDTF dates."""

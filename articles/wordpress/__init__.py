"""Moving a WordPress site in: its export read as a stream (`wxr`), post content made into bodies (`content`),
the term mapping file (`mapping`), and the import itself (`importer`)."""

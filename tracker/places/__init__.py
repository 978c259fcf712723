"""Places: a hierarchy of official places (country > department > municipality, with each
country's official codes, e.g. Colombia's DIVIPOLA) and named groups of places (e.g. the 16
PDET subregions), loaded by `flask --app tracker import-places` (`importer`)."""

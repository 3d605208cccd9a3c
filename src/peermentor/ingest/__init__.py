"""Ingest and clean: a site's export read through its site config, pseudonymized, mapped to the
contract, checked row by row (quarantine with a reason, reconciliation), and the sites combined."""

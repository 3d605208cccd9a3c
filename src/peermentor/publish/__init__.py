"""What leaves the data environment: disclosure control, the replication table, the run manifest
and the attacker's audit of every published table."""

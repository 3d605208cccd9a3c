"""The study's analyses on the canonical tables.

The family profile and service measures (P1-P2), early engagement (P3), rural vs urban (P4), the
outcome models (P5) and the mentor workforce (P6).
"""

"""Figures, the narrative notebooks' text and the HTML rendering."""

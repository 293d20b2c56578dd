"""The workshop report: one self-contained HTML file in French or English."""

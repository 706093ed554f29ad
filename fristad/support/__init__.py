"""Stödperson appointments."""

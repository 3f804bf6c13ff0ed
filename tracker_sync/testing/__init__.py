"""Test doubles that ship with tracker-sync (like ``pandas.testing``): the Google fake and a sample district.

Nothing in the product imports this package, and the fake imports nothing from the product: it
stands for Google, so a bug on our side can never be shared by both sides and pass unseen.
"""

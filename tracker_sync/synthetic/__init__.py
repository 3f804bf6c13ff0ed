"""The demo's synthetic school: a seeded, believable tracker for the demo, the tests and the benchmarks.

:mod:`.school` builds a school's coach tabs as raw grids from :mod:`.model` (its people and events),
:mod:`.words` (names and the texts coaches type), :mod:`.meetings` (1:1s and goals) and
:mod:`.attention` (the stories the equity and agreement patterns should find); :mod:`.demo` provisions,
fills and syncs one.
"""

"""A new school year in one command (``tracker-sync rollover``): next year's tracker made from last
year's, last year's archived read only, the two linked in their metadata.

Modules: :mod:`.years` (school-year labels and dates), :mod:`.carry` (which rows a year carries, a
pure function), :mod:`.places` (where next year's tracker goes, per backend), :mod:`.school` (one
school's rollover), :mod:`.district` (every school of a registry), :mod:`.links` (the metadata that
links the years, and what an archived tracker means to the other commands) and :mod:`.compare`
(last year beside this year, for the briefs and the district view).
"""

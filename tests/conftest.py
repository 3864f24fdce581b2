"""Hypothesis profiles for the suite.

``chainrule`` (loaded here, so plain ``pytest`` uses it) is derandomized and
keeps no example database: every run on every machine draws the same
examples, so a red run is reproducible anywhere and no failing example is
carried over from an earlier run (``.hypothesis/`` then holds only a cache of
the literals Hypothesis reads from the source).  That is Hypothesis' own
"ci" profile, used for every run rather than only where a CI variable is set.
The number of examples per property is set next to the strategies
(tests/helpers.py).  The fixed draw is not a lucky one: the tolerances were
measured on ten times as many random examples, with a margin of at least 10x.

``explore`` draws fresh random examples and remembers failures, for hunting
new bugs: ``pytest --hypothesis-profile=explore`` (the option is applied
after this file, so it wins).
"""
from hypothesis import settings

settings.register_profile("chainrule", settings.get_profile("ci"))
settings.register_profile("explore", settings.get_profile("default"), deadline=None)
settings.load_profile("chainrule")

"""Every line the app draws between "a finding" and "not a finding", in one place.

The verdict, the tables, the charts and the command line all read these names; nothing outside
core writes 0.8 or 0.05 as a literal. Why each value: DESIGN.md §6 and docs/design/0009.
"""

from __future__ import annotations

# The US EEOC "four-fifths" rule of thumb: an impact ratio below it is a sign of adverse impact.
# Dutch and EU law set no fixed threshold (the verdict says so every time it uses the line).
FOUR_FIFTHS = 0.8

# Significance level of every two-sided test the app reports (Fisher, CMH, Breslow–Day, interaction).
ALPHA = 0.05

# Confidence level of every interval (rates, impact ratios, odds ratios).
CONFIDENCE = 0.95

# Size gates. A group under MIN_N people is "not enough data": hidden, no statistics. Under FEW_N
# its statistics are shown with "few people" wording. An intersection cell holding under
# SUPPRESS_SHARE of the people compared is hidden (NYC Local Law 144's small-category rule), and
# only the number of hidden cells and people is disclosed.
MIN_N = 5
FEW_N = 30
SUPPRESS_SHARE = 0.02
# The reference group (the one every group is compared with) is the most-selected group among
# those holding at least REFERENCE_SHARE of the people compared, unless a scenario names it: a
# small group's high rate is too uncertain, and comparing "the Netherlands" with "Indonesia"
# (124 people) misleads a room. Where no group is that large, the SUPPRESS_SHARE gate applies.
REFERENCE_SHARE = 0.10

# Unusual CVs: a type is named when at least UNUSUAL_MIN_QUALIFIED suitable people have it and
# their missed share is more than UNUSUAL_MARGIN above that of suitable people with a plain CV.
UNUSUAL_MIN_QUALIFIED = 30
UNUSUAL_MARGIN = 0.05

"""The made-up cities of the learning-city samples (standards/city.yaml), shared by
scripts/make-samples.py (resident survey, statistics, membership) and scripts/make-evidence.py
(assessors' sheet), so that a city's statistics, residents and assessors tell one story.

Each city: (id, region, level). level is a latent 0..1 "how far the city has come": it drives
the statistics, the residents' answers and the assessors' ratings (each with its own noise).
The ids are codes, not names: none of these cities exists.
"""

CITIES = [
    ("CITY-E01", "east", 0.92), ("CITY-E02", "east", 0.85), ("CITY-E03", "east", 0.80),
    ("CITY-E04", "east", 0.74), ("CITY-E05", "east", 0.78), ("CITY-E06", "east", 0.70),
    ("CITY-E07", "east", 0.66), ("CITY-E08", "east", 0.66), ("CITY-E09", "east", 0.68),
    ("CITY-E10", "east", 0.68), ("CITY-E11", "east", 0.66), ("CITY-E12", "east", 0.22),
    ("CITY-C01", "central", 0.80), ("CITY-C02", "central", 0.72), ("CITY-C03", "central", 0.64),
    ("CITY-C04", "central", 0.62), ("CITY-C05", "central", 0.58), ("CITY-C06", "central", 0.60),
    ("CITY-C07", "central", 0.62), ("CITY-C08", "central", 0.30), ("CITY-C09", "central", 0.25),
    ("CITY-C10", "central", 0.45),
    ("CITY-W01", "west", 0.70), ("CITY-W02", "west", 0.62), ("CITY-W03", "west", 0.64),
    ("CITY-W04", "west", 0.64), ("CITY-W05", "west", 0.64), ("CITY-W06", "west", 0.64),
    ("CITY-W07", "west", 0.20), ("CITY-W08", "west", 0.15),
]

REGION_NAMES = {"east": "东部", "central": "中部", "west": "西部"}

# Cities left out of one source on purpose (the others have every source):
NO_SURVEY = {"CITY-C10", "CITY-W08"}      # no resident survey: survey leaves have no value
NO_EVIDENCE = {"CITY-W07"}                # no assessors' visit: evidence leaves unrated
VETO_NO_PLAN = "CITY-C04"                 # the team finds the learning city in no plan (B1.1 = 0)
CAP_NO_BODY = "CITY-E05"                  # no coordinating body (B2.1 = 0): pass at best

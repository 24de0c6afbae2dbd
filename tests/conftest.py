import sys
from pathlib import Path

from hypothesis import settings

sys.path.insert(0, str(Path(__file__).resolve().parent))

# One fixed Hypothesis profile for every run (local and CI): the same examples each time
# (derandomize), no example database carried between runs, no timing deadline (simulation runs
# vary with machine load), and the reproduction blob printed if a property ever fails. Tests that
# set their own max_examples keep it; the others get this fixed number.
settings.register_profile(
    "centre-sim",
    derandomize=True,
    database=None,
    print_blob=True,
    max_examples=100,
    deadline=None,
)
settings.load_profile("centre-sim")

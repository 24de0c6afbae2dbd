"""`Uncertain`: a number, a uniform or a triangular range; its checks, its draws and its round trip."""

from __future__ import annotations

import math
import tomllib

import numpy as np
import pytest
import tomli_w
from pydantic import ValidationError
from scipy import stats

from sim.scenario.loader import validation_problem
from sim.scenario.uncertain import Uncertain

DRAWS = 20_000


def _problem(value: object) -> tuple[str, str]:
    with pytest.raises(ValidationError) as err:
        Uncertain.model_validate(value)
    return validation_problem(err.value)


def test_a_number_is_certain_and_draws_no_randomness() -> None:
    u = Uncertain.model_validate(40_900)
    assert (u.is_certain, u.kind, u.central, u.low, u.high) == (True, "certain", 40_900, 40_900, 40_900)
    rng = np.random.default_rng(1)
    assert np.array_equal(u.sample(rng, 3), [40_900.0] * 3)
    assert rng.random() == np.random.default_rng(1).random()


def test_central_is_the_mode_or_the_midpoint() -> None:
    assert Uncertain.model_validate({"low": 1, "mode": 2, "high": 7}).central == 2
    assert Uncertain.model_validate({"low": 1, "high": 7}).central == 4
    assert Uncertain.model_validate({"low": 1, "high": 7}).kind == "uniform"


@pytest.mark.parametrize(
    ("spec", "dist"),
    [
        ({"low": 20.0, "mode": 30.0, "high": 60.0}, stats.triang(c=0.25, loc=20.0, scale=40.0)),
        ({"low": 0.0, "mode": 0.0, "high": 1.0}, stats.triang(c=0.0, loc=0.0, scale=1.0)),
        ({"low": 0.03, "high": 0.10}, stats.uniform(loc=0.03, scale=0.07)),
    ],
)
def test_draws_match_scipy_mean_and_quantiles(spec: dict[str, float], dist: stats.rv_continuous) -> None:
    x = Uncertain.model_validate(spec).sample(np.random.default_rng(20250701), DRAWS)
    assert abs(x.mean() - dist.mean()) < 4 * dist.std() / math.sqrt(DRAWS)
    for p in (0.1, 0.5, 0.9):
        q = dist.ppf(p)
        se = math.sqrt(p * (1 - p) / DRAWS) / dist.pdf(q)
        assert abs(np.quantile(x, p) - q) < 4 * se, p


def test_same_seed_same_draws() -> None:
    u = Uncertain.model_validate({"low": 1, "mode": 2, "high": 7})
    a = u.sample(np.random.default_rng(7), 100)
    assert np.array_equal(a, u.sample(np.random.default_rng(7), 100))
    assert not np.array_equal(a, u.sample(np.random.default_rng(8), 100))


@pytest.mark.parametrize(
    ("value", "key", "words"),
    [
        ({"low": 5, "high": 2}, "low", "must not exceed high (2), got 5"),
        ({"low": 1, "mode": 9, "high": 7}, "mode", "between low and high (1 to 7), got 9"),
        ({"low": 3, "high": 3}, "high", "written as the number itself"),
        ({"low": 3}, "high", "needs both low and high"),
        ({"low": 1, "high": 2, "source": "ESTIMATE"}, "source", "unknown key 'source'"),
        ({"low": 1, "high": math.inf}, "high", "finite"),
        (True, "", "must be a number (certain)"),
        ("30 triệu", "", "must be a number (certain)"),
    ],
)
def test_bad_ranges_are_refused_with_their_key(value: object, key: str, words: str) -> None:
    where, message = _problem(value)
    assert where == key
    assert words in message


@pytest.mark.parametrize("value", [7.5, {"low": 1.0, "high": 2.0}, {"low": 1.0, "mode": 1.5, "high": 2.0}])
def test_written_back_as_given(value: object) -> None:
    u = Uncertain.model_validate(value)
    text = tomli_w.dumps({"x": u.model_dump()})
    again = Uncertain.model_validate(tomllib.loads(text)["x"])
    assert again == u
    assert tomllib.loads(text)["x"] == value

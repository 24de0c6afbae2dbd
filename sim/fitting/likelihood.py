"""Censored maximum likelihood for many samples at once: the fit and its bootstrap refits.

The log-likelihood sums, per sample, log f over exact durations, log P over intervals and over
minute-rounded durations, and log S over right-censored ones. Parameters are θ = (log mean,
log shape): the mean's interval then comes straight from the observed information (the inverse
Hessian's first entry, on the log scale so it stays positive), and the optimiser needs no bounds.
A damped Newton method with finite-difference derivatives runs on all samples together, so 99
bootstrap refits cost about as much as a few single fits; `tests/test_durations_fit.py` checks it
against `scipy.stats.<family>.fit(CensoredData(...), floc=0)`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from sim.fitting.families import Family
from sim.fitting.observations import Observations

LOG_SHAPE = (np.log(0.02), np.log(500.0))
"""Shapes the search may reach (cv about 0.003 to 7 or more): beyond them no centre's times lie."""
_STEP = 1e-3
"""Finite-difference step in θ (log units): the Hessian's rounding error stays ~1e-10 of its size."""


@dataclass(frozen=True)
class Batch:
    """Many samples' durations flattened: each kind holds values, counts and the sample they belong to."""

    size: int
    exact: tuple[np.ndarray, np.ndarray, np.ndarray]
    right: tuple[np.ndarray, np.ndarray, np.ndarray]
    interval: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
    """(low, high, counts, sample)."""
    rounded: tuple[np.ndarray, np.ndarray, np.ndarray]

    @staticmethod
    def one(obs: Observations) -> Batch:
        """One sample, with repeated values counted once (minute-rounded data: a few dozen bins)."""

        def counted(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            values, counts = np.unique(x, return_counts=True)
            return values, counts.astype(float), np.zeros(len(values), dtype=int)

        pairs, counts = np.unique(np.column_stack([obs.low, obs.high]), axis=0, return_counts=True)
        pairs = pairs.reshape(-1, 2)
        return Batch(
            1,
            counted(obs.exact),
            counted(obs.right),
            (pairs[:, 0], pairs[:, 1], counts.astype(float), np.zeros(len(counts), dtype=int)),
            counted(obs.rounded),
        )

    @staticmethod
    def rows(values: np.ndarray, censored: np.ndarray | None = None, rounded: bool = False) -> Batch:
        """Samples as the rows of a matrix (a bootstrap); `censored` marks right-censored entries;
        `rounded` entries are minute-rounded differences, given as counts per whole minute."""
        size, n = values.shape
        sample = np.repeat(np.arange(size), n)
        flat = values.ravel()
        cens = np.zeros(flat.shape, dtype=bool) if censored is None else censored.ravel()
        ones = np.ones(flat.shape)
        none = (np.zeros(0), np.zeros(0), np.zeros(0, dtype=int))
        right = (flat[cens], ones[cens], sample[cens])
        if rounded:
            d, s = flat[~cens].astype(int), sample[~cens]
            top = int(d.max(initial=0)) + 1
            counts = np.bincount(s * top + d, minlength=size * top).reshape(size, top)
            b, v = np.nonzero(counts)
            return Batch(
                size, none, right, (*none[:2], np.zeros(0), none[2]), (v.astype(float), counts[b, v], b)
            )
        return Batch(
            size, (flat[~cens], ones[~cens], sample[~cens]), right, (*none[:2], np.zeros(0), none[2]), none
        )

    def guess(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per sample: mean and cv of every duration as a number (censored ones as if complete), and
        the mean and sd of their logs: where the optimiser starts."""
        low, high, w_i, b_i = self.interval
        rounded = np.maximum(self.rounded[0], 0.5)
        parts = [
            self.exact,
            self.right,
            ((low + high) / 2, w_i, b_i),
            (rounded, self.rounded[1], self.rounded[2]),
        ]
        x = np.concatenate([np.maximum(p[0], 1 / 120) for p in parts])
        w = np.concatenate([p[1] for p in parts])
        b = np.concatenate([p[2] for p in parts])

        def avg(v: np.ndarray) -> np.ndarray:
            return np.bincount(b, w * v, self.size) / np.maximum(np.bincount(b, w, self.size), 1)

        mean, logs = avg(x), avg(np.log(x))
        cv = np.sqrt(np.maximum(avg(x**2) - mean**2, 1e-12)) / mean
        log_sd = np.sqrt(np.maximum(avg(np.log(x) ** 2) - logs**2, 1e-6))
        return mean, np.clip(cv, 0.05, 5.0), np.column_stack([logs, log_sd])


def log_likelihood(family: Family, batch: Batch, theta: np.ndarray) -> np.ndarray:
    """Per-sample log-likelihood at θ (shape (size, n_params))."""
    m = np.exp(theta[:, 0])
    k = np.exp(theta[:, 1]) if family.n_params == 2 else np.ones(batch.size)
    total = np.zeros(batch.size)
    x, w, b = batch.exact
    if len(x):
        total += np.bincount(b, w * family.logpdf(x, m[b], k[b]), batch.size)
    x, w, b = batch.right
    if len(x):
        total += np.bincount(b, w * family.logsf(x, m[b], k[b]), batch.size)
    low, high, w, b = batch.interval
    if len(low):
        total += np.bincount(b, w * family.interval_logprob(low, high, m[b], k[b]), batch.size)
    x, w, b = batch.rounded
    if len(x):
        total += np.bincount(b, w * family.rounded_logprob(x, m[b], k[b]), batch.size)
    return np.where(np.isfinite(total), total, -np.inf)


def _derivatives(
    family: Family, batch: Batch, theta: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Value, gradient and Hessian by central differences, for every sample in one pass each."""
    p, h = theta.shape[1], _STEP
    f0 = log_likelihood(family, batch, theta)
    grad = np.zeros(theta.shape)
    hess = np.zeros((*theta.shape, p))
    eye = np.eye(p) * h
    plus = [log_likelihood(family, batch, theta + eye[i]) for i in range(p)]
    minus = [log_likelihood(family, batch, theta - eye[i]) for i in range(p)]
    for i in range(p):
        grad[:, i] = (plus[i] - minus[i]) / (2 * h)
        hess[:, i, i] = (plus[i] - 2 * f0 + minus[i]) / h**2
    for i in range(p):
        for j in range(i + 1, p):
            corners = [
                log_likelihood(family, batch, theta + si * eye[i] + sj * eye[j])
                for si, sj in ((1, 1), (1, -1), (-1, 1), (-1, -1))
            ]
            hess[:, i, j] = hess[:, j, i] = (corners[0] - corners[1] - corners[2] + corners[3]) / (4 * h**2)
    return f0, grad, hess


def _direction(grad: np.ndarray, hess: np.ndarray) -> np.ndarray:
    """Newton's step where the log-likelihood is concave, else a gradient step of unit scale."""
    neg = -hess
    ok = np.all(np.linalg.eigvalsh(neg) > 0, axis=1)
    step = np.zeros(grad.shape)
    if ok.any():
        step[ok] = np.linalg.solve(neg[ok], grad[ok][..., None])[..., 0]
    if (~ok).any():
        scale = np.maximum(np.abs(np.diagonal(neg[~ok], axis1=1, axis2=2)).max(axis=1), 1.0)
        step[~ok] = grad[~ok] / scale[:, None]
    return step


def _clip(theta: np.ndarray) -> np.ndarray:
    if theta.shape[1] == 2:
        theta = theta.copy()
        theta[:, 1] = np.clip(theta[:, 1], *LOG_SHAPE)
    return theta


@dataclass(frozen=True)
class Fit:
    """Maximum-likelihood estimates for each sample of a batch."""

    theta: np.ndarray
    log_likelihood: np.ndarray
    covariance: np.ndarray
    """Inverse observed information in θ, per sample (NaN where the Hessian is not negative definite)."""
    converged: np.ndarray


def maximise(
    family: Family, batch: Batch, start: np.ndarray | None = None, max_iter: int = 40, tol: float = 1e-9
) -> Fit:
    """Damped Newton ascent from `start` (default: moment estimates) for every sample of the batch,
    until the Newton decrement (about twice the log-likelihood still to gain) is below `tol`."""
    theta = _clip(start if start is not None else starting_values(family, batch))
    f, grad, hess = _derivatives(family, batch, theta)
    done = np.zeros(batch.size, dtype=bool)
    for _ in range(max_iter):
        step = _direction(grad, hess)
        decrement = np.einsum("bi,bi->b", grad, step)
        done = np.isfinite(f) & (np.abs(decrement) < tol)
        if done.all():
            break
        t = np.ones(batch.size)
        active = ~done
        for _ in range(30):
            trial = _clip(theta + t[:, None] * step)
            f_trial = log_likelihood(family, batch, trial)
            better = f_trial >= f - 1e-10
            accept = active & better
            theta[accept] = trial[accept]
            active &= ~better
            if not active.any():
                break
            t[active] /= 2
        f, grad, hess = _derivatives(family, batch, theta)
    with np.errstate(invalid="ignore"):
        neg = -hess
        definite = np.all(np.linalg.eigvalsh(neg) > 0, axis=1)
        cov = np.full(neg.shape, np.nan)
        if definite.any():
            cov[definite] = np.linalg.inv(neg[definite])
    return Fit(theta, f, cov, done)


def starting_values(family: Family, batch: Batch) -> np.ndarray:
    """Moment estimates from the durations as numbers; the lognormal's from their logs (its closed-form
    MLE on exact data, so Newton stops at once there)."""
    mean, cv, logs = batch.guess()
    if family.n_params == 1:
        return np.log(mean)[:, None]
    if family.name == "lognormal":
        sigma = logs[:, 1]
        return np.column_stack([logs[:, 0] + sigma**2 / 2, np.log(sigma)])
    return np.column_stack([np.log(mean), np.log(family.shape_guess(cv))])


def censored_data(obs: Observations) -> stats.CensoredData:
    """The same durations as scipy.stats sees them (minute-rounded ones as intervals (d − 1, d + 1):
    scipy has no triangular weight), for the cross-check with `scipy.stats.<family>.fit`."""
    low = np.concatenate([obs.low, np.maximum(obs.rounded - 1, 0)])
    high = np.concatenate([obs.high, obs.rounded + 1])
    return stats.CensoredData(uncensored=obs.exact, right=obs.right, interval=np.column_stack([low, high]))

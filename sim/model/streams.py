"""Named random streams, and buffered draws from them: one generator per source of randomness,
keyed by name, not by position.

A stream's seed depends only on (run seed, replication, name). Adding a staff member or a second
ticket machine therefore leaves every other stream untouched, which is what makes common random
numbers work across scenarios.
"""

from __future__ import annotations

import hashlib
from typing import Protocol

import numpy as np


class Sampler(Protocol):
    """A distribution: draws `size` values from a generator."""

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray: ...


def stream_key(name: str) -> int:
    """A stable 64-bit integer for a stream name (Python's hash() is salted per process)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "little")


class Streams:
    """Lazily created generators for one replication."""

    __slots__ = ("_cache", "replication", "seed")

    def __init__(self, seed: int, replication: int) -> None:
        self.seed = seed
        self.replication = replication
        self._cache: dict[str, np.random.Generator] = {}

    def __getitem__(self, name: str) -> np.random.Generator:
        rng = self._cache.get(name)
        if rng is None:
            seq = np.random.SeedSequence(self.seed, spawn_key=(self.replication, stream_key(name)))
            rng = self._cache[name] = np.random.Generator(np.random.PCG64(seq))
        return rng


class Buffered:
    """Draws from one distribution and one named stream, a chunk at a time."""

    __slots__ = ("_buf", "_dist", "_pos", "_rng")
    CHUNK = 1024

    def __init__(self, dist: Sampler, rng: np.random.Generator) -> None:
        self._dist = dist
        self._rng = rng
        self._buf = np.empty(0)
        self._pos = 0

    def take(self, k: int) -> np.ndarray:
        if self._pos + k > len(self._buf):
            fresh = self._dist.sample(self._rng, max(self.CHUNK, k))
            self._buf = np.concatenate((self._buf[self._pos :], fresh))
            self._pos = 0
        out = self._buf[self._pos : self._pos + k]
        self._pos += k
        return out


class ScalarDraws:
    """One value at a time from a distribution and a named stream, drawn in chunks of 256.

    For quantities drawn one by one in event order (a dossier's work, a supply delay); cheaper
    than slicing numpy arrays for single values.
    """

    __slots__ = ("_dist", "_list", "_pos", "_rng")
    CHUNK = 256

    def __init__(self, dist: Sampler, rng: np.random.Generator) -> None:
        self._dist = dist
        self._rng = rng
        self._list: list[float] = []
        self._pos = 0

    def next(self) -> float:
        if self._pos >= len(self._list):
            self._list = self._dist.sample(self._rng, self.CHUNK).tolist()
            self._pos = 0
        x = self._list[self._pos]
        self._pos += 1
        return x


class StandardUniform:
    """The U(0,1) 'distribution', for Bernoulli and categorical draws through `Buffered`."""

    @staticmethod
    def sample(rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.random(size)


UNIFORM = StandardUniform()
"""U(0, 1), for Bernoulli and categorical draws through `Buffered` and `ScalarDraws`."""

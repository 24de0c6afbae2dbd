"""Named random streams: one generator per source of randomness, keyed by name, not by position.

A stream's seed depends only on (run seed, replication, name). Adding a staff member or a second
ticket machine therefore leaves every other stream untouched, which is what makes common random
numbers work across scenarios.
"""

from __future__ import annotations

import hashlib

import numpy as np


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

"""splitmix64, the sample generators' PRNG: tiny, fixed, and the same on every Python.

Python's random module may change its streams between versions; the shipped samples in
surveys/ must not, because a test regenerates them and compares byte for byte.
"""

import math

MASK64 = (1 << 64) - 1


class Rng:
    def __init__(self, seed):
        self.state = seed & MASK64

    def next64(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def random(self):
        """Uniform in [0, 1) from the top 53 bits."""
        return (self.next64() >> 11) / float(1 << 53)

    def below(self, n):
        return self.next64() % n

    def pick(self, seq):
        return seq[self.below(len(seq))]

    def gauss(self):
        """Standard normal by Box-Muller."""
        u1 = 1.0 - self.random()          # in (0, 1]: log is defined
        u2 = self.random()
        return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)

    def shuffle(self, seq):
        for i in range(len(seq) - 1, 0, -1):
            j = self.below(i + 1)
            seq[i], seq[j] = seq[j], seq[i]

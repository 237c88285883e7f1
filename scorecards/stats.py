"""The statistics of the scorecards: interval estimates for rates and means, pass^k, and the paired tests.

Choices (and why):

- **Rates (0/1 metrics, rule violation rates)**: the Wilson score interval. Benchmark rates sit near 0 or 1
  (compliance of a good model, violation rate of a rule) and n is small (tens of tasks); there the Wald
  interval collapses to a point or leaves [0, 1], while Wilson keeps its coverage (Brown, Cai & DasGupta
  2001). When a task is run for several epochs its samples are not independent, so the interval is taken on
  the *effective* sample size n / deff, where the design effect deff is the ratio of the cluster-robust
  (by task) variance of the mean to the independent-sample variance (never below 1). With one epoch per task
  deff is 1 and this is the plain Wilson interval.
- **Fractions (report_f1, …) and differences**: a cluster bootstrap over tasks (percentile interval, fixed
  seed, so the same logs always give the same numbers). Resampling whole tasks keeps their epochs together.
- **pass^k**: the unbiased estimator per task, C(c, k) / C(n, k) for c successes in n epochs (the chance that
  k epochs drawn without replacement all succeed), averaged over tasks.
- **Paired binary comparisons**: the exact (binomial) McNemar test on the discordant pairs.
- **Paired fractional comparisons**: a sign-flip permutation test on per-task summed differences (exact up to
  16 tasks, Monte Carlo with a fixed seed above).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from fractions import Fraction

import numpy as np

Z95 = 1.959963984540054
BOOTSTRAP_DRAWS = 4000
SEED = 20261127


@dataclass(frozen=True)
class Estimate:
    """A mean with its 95% interval over ``n`` samples in ``clusters`` tasks (``method`` names the interval)."""

    mean: float | None
    low: float | None
    high: float | None
    n: int
    clusters: int
    method: str

    def as_dict(self) -> dict[str, float | int | str | None]:
        return asdict(self)


EMPTY = Estimate(None, None, None, 0, 0, "none")


def wilson(successes: float, n: float, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for ``successes`` out of ``n`` (``n`` may be an effective, non-integer size)."""
    if n <= 0:
        raise ValueError("the Wilson interval needs n > 0")
    p = successes / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    low = 0.0 if successes <= 0 else max(0.0, centre - half)
    high = 1.0 if successes >= n else min(1.0, centre + half)
    return float(low), float(high)


def _cluster_sums(values: np.ndarray, clusters: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Per-cluster sums and sizes, clusters in order of first appearance."""
    index: dict[str, int] = {}
    ids = np.array([index.setdefault(c, len(index)) for c in clusters], dtype=np.int64)
    sums = np.bincount(ids, weights=values, minlength=len(index))
    sizes = np.bincount(ids, minlength=len(index)).astype(float)
    return sums, sizes


def design_effect(values: Sequence[float], clusters: Sequence[str]) -> float:
    """Cluster-robust variance of the mean over the independent-sample variance, at least 1.

    The cluster-robust variance is the sandwich estimate Σ_g (S_g − n_g·ȳ)² / n², with S_g and n_g the sum
    and size of cluster g; the independent one is Σ_i (y_i − ȳ)² / n². Tasks whose epochs always agree give
    the cluster size (m epochs count as one sample), singleton clusters give exactly 1. With fewer than two
    clusters it is 1. With no variance at all (every sample the same) the data cannot tell whether epochs
    agree, so each task counts once: the mean cluster size (an all-pass run of 44 tasks × 3 epochs gets the
    interval of 44/44, not 132/132).
    """
    y = np.asarray(values, dtype=float)
    n = len(y)
    sums, sizes = _cluster_sums(y, clusters)
    groups = len(sums)
    if n < 2 or groups < 2:
        return 1.0
    mean = y.mean()
    iid = y.var() / n
    if iid <= 0:
        return n / groups
    robust = float(np.sum((sums - sizes * mean) ** 2)) / (n * n)
    return max(1.0, robust / iid)


def rate(values: Sequence[float], clusters: Sequence[str]) -> Estimate:
    """Mean of 0/1 ``values`` with a Wilson interval on the effective sample size (clustered by task)."""
    y = np.asarray(values, dtype=float)
    if len(y) == 0:
        return EMPTY
    groups = len(set(clusters))
    deff = design_effect(y, clusters)
    n_eff = len(y) / deff
    low, high = wilson(float(y.mean()) * n_eff, n_eff)
    method = "wilson" if deff == 1.0 else f"wilson, deff {deff:.2f}"
    return Estimate(float(y.mean()), low, high, len(y), groups, method)


def _bootstrap_indices(groups: int, draws: int = BOOTSTRAP_DRAWS, seed: int = SEED) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.integers(0, groups, size=(draws, groups))


def bootstrap_mean(values: Sequence[float], clusters: Sequence[str]) -> Estimate:
    """Mean of ``values`` with a percentile cluster-bootstrap interval (tasks resampled with replacement)."""
    y = np.asarray(values, dtype=float)
    if len(y) == 0:
        return EMPTY
    sums, sizes = _cluster_sums(y, clusters)
    if len(sums) < 2:
        mean = float(y.mean())
        return Estimate(mean, None, None, len(y), len(sums), "bootstrap (needs 2+ tasks)")
    pick = _bootstrap_indices(len(sums))
    means = sums[pick].sum(axis=1) / sizes[pick].sum(axis=1)
    low, high = np.quantile(means, [0.025, 0.975])
    return Estimate(float(y.mean()), float(low), float(high), len(y), len(sums), "cluster bootstrap")


def pass_hat_k(successes: int, n: int, k: int) -> float:
    """Chance that ``k`` of ``n`` epochs drawn without replacement all succeed, given ``successes`` of them did."""
    if not 1 <= k <= n:
        raise ValueError(f"pass^k needs 1 <= k <= n (k={k}, n={n})")
    return math.comb(successes, k) / math.comb(n, k)


def mcnemar_exact(b: int, c: int) -> float:
    """Two-sided exact McNemar p-value for ``b`` pairs that went 1→0 and ``c`` that went 0→1."""
    n = b + c
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, i) for i in range(min(b, c) + 1))
    return float(min(Fraction(1), 2 * Fraction(tail, 2**n)))


def paired_difference(diffs: Sequence[float], clusters: Sequence[str]) -> Estimate:
    """Mean paired difference (candidate − baseline) with a cluster-bootstrap interval."""
    return bootstrap_mean(diffs, clusters)


def sign_flip_p(diffs: Sequence[float], clusters: Sequence[str], exact_up_to: int = 16, draws: int = 20000) -> float:
    """Two-sided p-value that the paired differences are centred on zero, flipping whole tasks' signs."""
    y = np.asarray(diffs, dtype=float)
    if len(y) == 0:
        return 1.0
    sums, _ = _cluster_sums(y, clusters)
    observed = abs(sums.sum())
    if observed == 0:
        return 1.0
    groups = len(sums)
    if groups <= exact_up_to:
        signs = 1 - 2 * ((np.arange(2**groups)[:, None] >> np.arange(groups)) & 1)
    else:
        signs = np.random.default_rng(SEED).choice([-1.0, 1.0], size=(draws, groups))
    totals = np.abs(signs @ sums)
    return float(np.mean(totals >= observed - 1e-12))

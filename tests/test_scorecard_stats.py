"""The scorecards' statistics against values computed by hand."""

from __future__ import annotations

import math

import pytest

from scorecards import stats


def test_wilson_matches_the_textbook_interval() -> None:
    # 8 of 10, z = 1.96: centre (0.8 + 1.9208/10) / 1.38415 = 0.71668,
    # half 1.95996 * sqrt(0.016 + 0.0096037) / 1.38415 = 0.22657  ->  [0.4902, 0.9433]
    low, high = stats.wilson(8, 10)
    assert low == pytest.approx(0.4902, abs=1e-4) and high == pytest.approx(0.9433, abs=1e-4)
    # 0 of 10: [0, z² / (n + z²)] = [0, 3.8415 / 13.8415]
    low, high = stats.wilson(0, 10)
    assert low == 0.0 and high == pytest.approx(3.841459 / 13.841459, abs=1e-6)
    low, high = stats.wilson(10, 10)
    assert high == 1.0 and low == pytest.approx(1 - 3.841459 / 13.841459, abs=1e-6)
    with pytest.raises(ValueError):
        stats.wilson(0, 0)


def test_mcnemar_exact_p_values() -> None:
    # b = 1 went 1→0, c = 9 went 0→1: 2 · (C(10,0) + C(10,1)) / 2^10 = 22 / 1024
    assert stats.mcnemar_exact(1, 9) == pytest.approx(22 / 1024)
    assert stats.mcnemar_exact(9, 1) == pytest.approx(22 / 1024)
    assert stats.mcnemar_exact(0, 5) == pytest.approx(2 / 32)
    assert stats.mcnemar_exact(0, 6) == pytest.approx(2 / 64)
    assert stats.mcnemar_exact(3, 3) == 1.0
    assert stats.mcnemar_exact(0, 0) == 1.0


def test_pass_hat_k() -> None:
    # 3 successes in 5 epochs, k = 2: C(3,2) / C(5,2) = 3 / 10
    assert stats.pass_hat_k(3, 5, 2) == pytest.approx(0.3)
    assert stats.pass_hat_k(3, 5, 1) == pytest.approx(0.6)
    assert stats.pass_hat_k(5, 5, 5) == 1.0 and stats.pass_hat_k(4, 5, 5) == 0.0
    with pytest.raises(ValueError):
        stats.pass_hat_k(1, 2, 3)


def test_one_epoch_is_the_plain_wilson_interval() -> None:
    values = [1, 1, 0, 1, 1, 1, 0, 1, 1, 1]
    est = stats.rate(values, [f"t{i}" for i in range(10)])
    assert (est.low, est.high) == pytest.approx(stats.wilson(8, 10)) and est.method == "wilson"
    assert est.mean == 0.8 and est.n == 10 and est.clusters == 10


def test_epochs_that_always_agree_shrink_the_effective_sample() -> None:
    # 4 tasks × 3 epochs, two tasks always pass and two always fail: p = 0.5, n = 12,
    # iid variance 12 · 0.25 / 144; clustered 4 · (3 − 1.5)² / 144  ->  deff = 9 / 3 = 3, n_eff = 4 (the tasks)
    values = [1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]
    clusters = ["a"] * 3 + ["b"] * 3 + ["c"] * 3 + ["d"] * 3
    assert stats.design_effect(values, clusters) == pytest.approx(3.0)
    est = stats.rate(values, clusters)
    assert (est.low, est.high) == pytest.approx(stats.wilson(2, 4))
    # the same outcomes, but with epochs disagreeing within every task, are no worse than independent
    mixed = [1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0]
    assert stats.design_effect(mixed, clusters) == 1.0
    # no variance at all: nothing shows whether epochs agree, so each task counts once (44/44, not 132/132)
    all_pass = [1] * 12
    assert stats.design_effect(all_pass, clusters) == pytest.approx(3.0)
    assert (stats.rate(all_pass, clusters).low, 1.0) == pytest.approx(stats.wilson(4, 4))
    assert stats.design_effect([1] * 4, ["a", "b", "c", "d"]) == 1.0


def test_cluster_bootstrap_is_deterministic_and_brackets_the_mean() -> None:
    values = [0.2, 0.4, 0.9, 1.0, 0.5, 0.7, 0.1, 0.8]
    clusters = ["a", "a", "b", "b", "c", "c", "d", "d"]
    first, second = stats.bootstrap_mean(values, clusters), stats.bootstrap_mean(values, clusters)
    assert first == second
    assert first.low is not None and first.high is not None
    assert first.low < first.mean < first.high and first.low >= 0.0 and first.high <= 1.0
    assert math.isclose(first.mean, sum(values) / len(values))
    assert stats.bootstrap_mean([0.5], ["a"]).low is None


def test_sign_flip_permutation_p_value() -> None:
    # three tasks all +1: of the 8 sign patterns only (+,+,+) and (−,−,−) reach |sum| = 3
    assert stats.sign_flip_p([1, 1, 1], ["a", "b", "c"]) == pytest.approx(0.25)
    assert stats.sign_flip_p([0, 0], ["a", "b"]) == 1.0
    # epochs of one task flip together: one task with +1, +1 gives 2 patterns, both extreme
    assert stats.sign_flip_p([1, 1], ["a", "a"]) == 1.0

/**
 * Algorithmic datasets of the grokking literature and the per-token featurizers that turn their
 * token sequences into the matrices {@code X_i} in R^{n x d} of the convexified transformer.
 *
 * <p>Everything here follows {@code shared/math.md} section 7 ("Datasets") and the seed paper
 * {@code shared/seeds/004_*.txt}, section 4 ("Convex kernel preconditioning") and section 5.1
 * ("Datasets"). The datasets are those of Power et al. 2022, "Grokking: generalization beyond
 * overfitting on small algorithmic datasets" (arXiv 2201.02177).
 *
 * <p>Determinism: every random choice takes an explicit {@code long} seed. All randomness goes
 * through one package-private generator (xoroshiro128++ of Commons RNG, seeded by a SplitMix64
 * expansion written here) and only its raw 64-bit output is used; uniform doubles, bounded
 * integers, Gaussian variates and permutations are derived from it by code in this package using
 * {@link java.lang.StrictMath}, so the same seed gives bit-identical arrays on every platform and
 * JVM.
 *
 * <p>Entry points: {@link org.cvxformer.datasets.AlgorithmicDataset#generate},
 * {@link org.cvxformer.datasets.Split#of}, {@link org.cvxformer.datasets.Featurizers}.
 */
package org.cvxformer.datasets;

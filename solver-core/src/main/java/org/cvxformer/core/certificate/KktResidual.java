package org.cvxformer.core.certificate;

/**
 * One KKT residual of math.md section 5: the largest value over groups, relative to beta, and
 * the group where it is attained ({@code null} when no group qualifies, e.g. complementary
 * slackness with no active group; the value is then 0).
 */
public record KktResidual(double value, Group group) {
    /** The residual of an empty set of groups. */
    public static KktResidual none() {
        return new KktResidual(0.0, null);
    }
}

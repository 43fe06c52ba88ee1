package org.cvxformer.core.solver;

import java.util.List;
import java.util.Locale;

/** The solvers by CLI name. */
public final class Solvers {
    private Solvers() {
    }

    /** Names accepted by {@link #byName(String)}. */
    public static List<String> names() {
        return List.of("fista", "bcd", "prox-newton", "admm", "auto");
    }

    /** The solver called {@code name}. */
    public static Solver byName(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (key) {
            case "fista" -> new Fista();
            case "bcd" -> new BlockCoordinateDescent();
            case "prox-newton", "proxnewton", "newton" -> new ProxNewton();
            case "admm" -> new Admm();
            case "auto" -> new AutoSolver();
            default -> throw new IllegalArgumentException("solver '" + name + "' is unknown: expected one of " + names());
        };
    }
}

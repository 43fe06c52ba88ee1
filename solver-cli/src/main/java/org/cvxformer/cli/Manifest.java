package org.cvxformer.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cvxformer.core.linalg.Parallel;

/** What produced a run: version, command line, parameters, inputs (with checksums), machine. */
final class Manifest {
    private final Map<String, Object> root = new LinkedHashMap<>();
    private final Map<String, Object> parameters = new LinkedHashMap<>();
    private final Map<String, Object> inputs = new LinkedHashMap<>();

    Manifest(String command, String[] argv) {
        root.put("tool", "cvxformer");
        root.put("version", Version.get());
        root.put("command", command);
        root.put("argv", argv == null ? null : java.util.List.of(argv));
        root.put("created", Instant.now().toString());
        root.put("java", System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")");
        root.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        root.put("threads", Parallel.threads());
        root.put("cpu", Hardware.cpuModel());
        root.put("cores", Hardware.cores());
        root.put("parameters", parameters);
        root.put("inputs", inputs);
    }

    Manifest param(String key, Object value) {
        parameters.put(key, value);
        return this;
    }

    Manifest put(String key, Object value) {
        root.put(key, value);
        return this;
    }

    /** Records an input file with its size and SHA-256, so a result can be traced to its data. */
    Manifest input(String key, Path file) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", file.toAbsolutePath().normalize().toString());
        m.put("bytes", Files.size(file));
        m.put("sha256", sha256(file));
        inputs.put(key, m);
        return this;
    }

    Map<String, Object> toMap() {
        return root;
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int r;
            while ((r = in.read(buf)) > 0) {
                md.update(buf, 0, r);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package org.jamesdmarc.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * A database password: read from a file or an environment variable, never from the command line or a
 * configuration file, and never printed ({@link #toString()} masks it).
 */
public final class Secret {

    private static final Secret NONE = new Secret("");

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /** No password (H2 default, trust authentication). */
    public static Secret none() {
        return NONE;
    }

    /** The password given in code (tests, or a value already read elsewhere). */
    public static Secret of(String value) {
        return new Secret(Objects.requireNonNull(value, "value"));
    }

    /** The first line of {@code file}, without its line end (the usual shape of a secrets file). */
    public static Secret fromFile(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            int end = text.indexOf('\n');
            String line = end < 0 ? text : text.substring(0, end);
            return new Secret(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
        } catch (IOException e) {
            throw new StoreException("cannot read the database password file " + file + ": " + e.getMessage());
        }
    }

    /** The value of environment variable {@code name} in {@code environment}. */
    public static Secret fromEnvironment(String name, Map<String, String> environment) {
        String v = environment.get(name);
        if (v == null) {
            throw new StoreException("the environment variable " + name + " with the database password is not set");
        }
        return new Secret(v);
    }

    /** The password itself: for the driver only. */
    String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return value.isEmpty() ? "(none)" : "****";
    }
}

package org.jamesdmarc.store;

/**
 * Keeps H2's auto-server on loopback. An H2 file URL in auto-server mode ({@link DatabaseTarget#resolve}) makes the
 * first process that opens the database serve it over TCP to the others; H2 binds that server to the address in
 * the system property {@value #PROPERTY}, else to every interface, and reads the property once, when its classes
 * initialise. {@link #ensure()} sets it to {@value #LOOPBACK} unless the operator set it, and the store calls it
 * before its first use of H2.
 */
public final class H2Loopback {

    public static final String PROPERTY = "h2.bindAddress";
    public static final String LOOPBACK = "127.0.0.1";

    private H2Loopback() {
    }

    /** Sets {@value #PROPERTY} to {@value #LOOPBACK} when it is not set; returns the value now in effect. */
    public static synchronized String ensure() {
        String current = System.getProperty(PROPERTY);
        if (current == null || current.isBlank()) {
            System.setProperty(PROPERTY, LOOPBACK);
            return LOOPBACK;
        }
        return current;
    }
}

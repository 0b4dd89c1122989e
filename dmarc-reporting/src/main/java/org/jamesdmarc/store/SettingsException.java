package org.jamesdmarc.store;

/**
 * A wrong value in {@code conf/dmarc.properties} (or in a {@code DMARC_DB_*} variable): a one-line message naming
 * the file and the key (or the variable), the value unless it is a password, and what is expected.
 */
public final class SettingsException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public SettingsException(String message) {
        super(message);
    }

    public SettingsException(String message, Throwable cause) {
        super(message, cause);
    }
}

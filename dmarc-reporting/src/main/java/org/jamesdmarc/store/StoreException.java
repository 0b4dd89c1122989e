package org.jamesdmarc.store;

/**
 * A failure of the evaluation history store, with a one-line message an operator can act on (no stack trace
 * needed, no password in it): an unknown JDBC URL scheme, an unreachable database, refused credentials, a schema
 * newer than this code, a failed write.
 */
public final class StoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}

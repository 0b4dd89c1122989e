package org.jamesdmarc.reporting.web;

/** A request parameter that is missing, malformed or out of range: answered with 400 and this message. */
public final class BadParameter extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public BadParameter(String message) {
        super(message);
    }
}

package org.jamesdmarc.james;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

import org.jamesdmarc.check.CheckOutcome;
import org.jamesdmarc.check.CheckSettings;
import org.jamesdmarc.check.CheckSettingsParser;
import org.jamesdmarc.check.DmarcChecker;
import org.jamesdmarc.check.MessageContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up {@link DmarcCheck} and {@link DmarcMessageHook} share. Both read the parameters of
 * {@link CheckSettingsParser} (then their own, through {@link #bool}) and build a {@link DmarcChecker};
 * a bad value stops James with {@code Invalid <component> parameter: <name>: '<value>' ...}, a checker
 * that cannot be built with {@code <component> cannot start: ...}, each in the exception type the
 * adapter's James API expects.
 *
 * @param <E> the adapter's start-up exception ({@code MessagingException}, {@code ConfigurationException})
 */
final class CheckSetup<E extends Exception> {

    private static final Logger LOGGER = LoggerFactory.getLogger(CheckSetup.class);

    /** Builds the adapter's start-up exception. */
    @FunctionalInterface
    interface Failure<E extends Exception> {
        E create(String message, Exception cause);
    }

    private final String component;
    private final Function<String, Optional<String>> parameters;
    private final Failure<E> failure;

    /**
     * @param component  the adapter's name as the messages give it ({@code DmarcCheck}, {@code DmarcMessageHook})
     * @param parameters looks a parameter up by name; empty when absent
     * @param failure    builds the adapter's start-up exception
     */
    CheckSetup(String component, Function<String, Optional<String>> parameters, Failure<E> failure) {
        this.component = Objects.requireNonNull(component, "component");
        this.parameters = Objects.requireNonNull(parameters, "parameters");
        this.failure = Objects.requireNonNull(failure, "failure");
    }

    /** The shared parameters. */
    CheckSettings settings() throws E {
        CheckSettings settings;
        try {
            settings = CheckSettingsParser.parse(parameters);
        } catch (IllegalArgumentException e) {
            throw invalidParameter(e);
        }
        settings.startupWarnings().forEach(w -> LOGGER.warn("{}: {}", component, w));
        return settings;
    }

    /** One of the adapter's own boolean parameters ({@link CheckSettingsParser#bool}). */
    boolean bool(String name, boolean dflt) throws E {
        try {
            return CheckSettingsParser.bool(parameters, name, dflt);
        } catch (IllegalArgumentException e) {
            throw invalidParameter(e);
        }
    }

    /**
     * The check to run on each mail: {@code injected} when a test gave one (the parameters are still parsed),
     * else a {@link DmarcChecker} built from {@code settings}; timed and counted in {@code metrics}.
     */
    MeteredCheck start(CheckSettings settings, Function<MessageContext, CheckOutcome> injected, DmarcMetrics metrics)
            throws E {
        if (injected != null) {
            return new MeteredCheck(injected, metrics, component);
        }
        try {
            return new MeteredCheck(DmarcChecker.create(settings)::check, metrics, component);
        } catch (RuntimeException e) {
            throw failure.create(component + " cannot start: " + e.getMessage(), e);
        }
    }

    private E invalidParameter(IllegalArgumentException e) {
        return failure.create("Invalid " + component + " parameter: " + e.getMessage(), e);
    }
}

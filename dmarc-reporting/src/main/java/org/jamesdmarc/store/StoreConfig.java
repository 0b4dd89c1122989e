package org.jamesdmarc.store;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where the evaluation history lives: a JDBC URL ({@code jdbc:h2:}, {@code jdbc:mariadb:}, {@code jdbc:mysql:},
 * {@code jdbc:postgresql:}), a user and a {@link Secret} password, plus the pool size.
 *
 * @param url       the JDBC URL as configured
 * @param user      the database user (may be empty)
 * @param password  the password, never printed
 * @param poolSize  the most connections the pool opens
 */
public record StoreConfig(String url, String user, Secret password, int poolSize) {

    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)(password|pwd)=[^&;]*");
    private static final Pattern USER_INFO = Pattern.compile("//([^/@:]*):[^/@]*@");

    public StoreConfig {
        Objects.requireNonNull(url, "url");
        user = user == null ? "" : user;
        Objects.requireNonNull(password, "password");
        if (poolSize < 1) {
            throw new IllegalArgumentException("poolSize must be at least 1: " + poolSize);
        }
    }

    /** A configuration with a pool of 4 connections. */
    public StoreConfig(String url, String user, Secret password) {
        this(url, user, password, 4);
    }

    /** The database kind; throws {@link StoreException} for an unknown scheme. */
    public DatabaseKind kind() {
        return DatabaseKind.resolve(url).kind();
    }

    /** The URL to show in logs and errors: any password in it masked. */
    public String redactedUrl() {
        return redact(url);
    }

    /** {@code url} with passwords (a {@code password=} parameter, {@code user:password@}) masked. */
    static String redact(String url) {
        String s = PASSWORD_PARAM.matcher(url).replaceAll("$1=****");
        return USER_INFO.matcher(s).replaceAll("//$1:****@");
    }

    @Override
    public String toString() {
        return "StoreConfig[url=" + redactedUrl() + ", user=" + user + ", password=" + password + ", poolSize="
                + poolSize + "]";
    }
}

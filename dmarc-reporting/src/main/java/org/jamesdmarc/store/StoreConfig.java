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
 * @param counterBucketSeconds the length of the report counters' buckets the store writes
 *                  ({@link ReportSettings#counterBucketSeconds}): 3600 (UTC hours), less only for a
 *                  {@code report.period} shorter than an hour (tests)
 */
public record StoreConfig(String url, String user, Secret password, int poolSize, int counterBucketSeconds) {

    /** Report counters per UTC hour: every period of whole hours is made of them. */
    public static final int HOUR_BUCKET = 3600;

    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)(password|pwd)=[^&;]*");
    private static final Pattern USER_INFO = Pattern.compile("//([^/@:]*):[^/@]*@");

    public StoreConfig {
        Objects.requireNonNull(url, "url");
        user = user == null ? "" : user;
        Objects.requireNonNull(password, "password");
        if (poolSize < 1) {
            throw new IllegalArgumentException("poolSize must be at least 1: " + poolSize);
        }
        if (counterBucketSeconds < 60 || counterBucketSeconds % 60 != 0 || HOUR_BUCKET % counterBucketSeconds != 0) {
            throw new IllegalArgumentException("counterBucketSeconds must be whole minutes dividing an hour: "
                    + counterBucketSeconds);
        }
    }

    /**
     * The counters' bucket length for report periods of {@code periodSeconds}: the greatest length dividing both
     * the period and an hour ({@value #HOUR_BUCKET} for periods of whole hours; 120 for 2 minutes; 720 for 48).
     */
    public static long bucketFor(long periodSeconds) {
        long a = periodSeconds;
        long b = HOUR_BUCKET;
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    /** A configuration whose report counters are per UTC hour. */
    public StoreConfig(String url, String user, Secret password, int poolSize) {
        this(url, user, password, poolSize, HOUR_BUCKET);
    }

    /** The same database with another pool size. */
    public StoreConfig withPoolSize(int size) {
        return new StoreConfig(url, user, password, size, counterBucketSeconds);
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
                + poolSize + (counterBucketSeconds == HOUR_BUCKET ? "" : ", counterBucketSeconds=" + counterBucketSeconds)
                + "]";
    }
}

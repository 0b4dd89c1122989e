package org.jamesdmarc.testsupport;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test does when an outside tool it needs (knotd, swaks, Postfix) is missing: it is skipped, loudly, on a
 * developer's machine; it FAILS when the environment variable {@value #REQUIRE_ENV} is set (to anything but
 * {@code false} or {@code 0}), as {@code .ci/run} does, so a broken install step can never make the real-DNS or
 * end-to-end suites vanish from a green CI run. The one switch for every such test.
 */
public final class MissingTool {

    /** Set by {@code .ci/run}: every test whose tool is missing fails instead of being skipped. */
    public static final String REQUIRE_ENV = "JAMES_DMARC_REQUIRE_TEST_TOOLS";

    private MissingTool() {
    }

    /** True when missing tools must fail the tests ({@value #REQUIRE_ENV} set). */
    public static boolean required() {
        String v = System.getenv(REQUIRE_ENV);
        return v != null && !v.isBlank() && !v.equalsIgnoreCase("false") && !v.equals("0");
    }

    /** Skips (or, with {@value #REQUIRE_ENV} set, fails) the calling test; {@code why} names the tool and its package. */
    public static void unavailable(String why) {
        if (required()) {
            Assertions.fail(why + " (" + REQUIRE_ENV + " is set: missing test tools fail the build)");
        }
        System.err.println("\n*** SKIPPED: " + why + "\n");
        Assumptions.abort(why);
    }
}

package org.jamesdmarc.reporting.james;

import java.util.Objects;

import org.apache.james.webadmin.Routes;

/**
 * What the DMARC WebAdmin route classes share: the singleton {@link DmarcWeb} they answer from, and one base path each
 * (WebAdmin puts its authentication filter on {@code basePath} and {@code basePath/*} of every route class that is not
 * a {@code PublicRoutes}; none of the data routes' base paths is a prefix of the dashboard's, so no data route is ever
 * public).
 */
abstract class DmarcRoutes implements Routes {

    private final String basePath;
    final DmarcWeb web;

    DmarcRoutes(String basePath, DmarcWeb web) {
        this.basePath = Objects.requireNonNull(basePath, "basePath");
        this.web = Objects.requireNonNull(web, "web");
    }

    @Override
    public final String getBasePath() {
        return basePath;
    }
}

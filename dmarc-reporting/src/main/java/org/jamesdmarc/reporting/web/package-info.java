/**
 * The DMARC WebAdmin API and dashboard, James-free: each route's handler takes the request's parameters and gives a
 * {@link org.jamesdmarc.reporting.web.WebResponse} (status, content type, body); the James adapters
 * ({@code org.jamesdmarc.reporting.james.Dmarc*Routes}) only register them on WebAdmin's Spark service.
 * {@link org.jamesdmarc.reporting.web.DmarcWebApi} answers every route from the history database (the
 * {@code org.jamesdmarc.store} views) and the check of {@link org.jamesdmarc.reporting.DomainCheck};
 * {@link org.jamesdmarc.reporting.web.SourceNames} resolves source addresses' names off the request path;
 * {@code dashboard.html} (a resource next to these classes) is the dashboard's page, which carries no data and
 * reads everything through the JSON routes.
 *
 * <p>May import: the JDK, Jackson, {@code org.jamesdmarc.store}, {@code org.jamesdmarc.reporting} and the James-free
 * packages of {@code dmarc-mailet}; never a James or Spark API ({@code ReportingLayeringTest}).
 */
package org.jamesdmarc.reporting.web;

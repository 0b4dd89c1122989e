/**
 * Delivery of aggregate reports (RFC 9990 "Report Delivery", "Email", "Verifying External Destinations"), James-free:
 * {@link org.jamesdmarc.reporting.delivery.ReportRun} (one run under the database's run lock, planning into and
 * handing off from the store's {@link org.jamesdmarc.store.ReportLedger}), {@link
 * org.jamesdmarc.reporting.delivery.ReportMail} (the MIME message, no javax.mail), {@link
 * org.jamesdmarc.reporting.delivery.ReportOutbound} (the outbound path: {@link
 * org.jamesdmarc.reporting.delivery.SmtpReportOutbound} for the {@code dmarc} command; inside James the mailet
 * context, in {@code org.jamesdmarc.reporting.james}), {@link org.jamesdmarc.reporting.delivery.DestinationAuthorizer}.
 *
 * <p>May import: the JDK, {@code org.jamesdmarc.dns}, {@code policy}, {@code reporting},
 * {@code reporting.aggregate}, {@code store}. Never James, mailet, javax.mail or Guice APIs
 * ({@code ReportingLayeringTest}).
 */
package org.jamesdmarc.reporting.delivery;

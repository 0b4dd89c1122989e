/**
 * Failure reports (RFC 9991), James-free: what one report says ({@link org.jamesdmarc.reporting.failure.FailureReport})
 * and the message that carries it ({@link org.jamesdmarc.reporting.failure.FailureReportMail}: ARF per RFC 5965,
 * RFC 6591 and RFC 9991's update of it), with the privacy rules: the failed message's header section only by default
 * ({@link org.jamesdmarc.reporting.failure.AttachedContent}), recipient fields dropped and local parts redacted with a
 * keyed token ({@link org.jamesdmarc.reporting.failure.ReportedHeaders},
 * {@link org.jamesdmarc.reporting.failure.LocalPartRedactor}, RFC 6590). Which reports an evaluation asks for is
 * decided in the core ({@code org.jamesdmarc.policy.FailureReportRules}).
 *
 * <p>May import: the JDK, {@code org.jamesdmarc.dns}, {@code mail}, {@code auth}, {@code policy},
 * {@code reporting.aggregate} ({@code Reporter}) and {@code reporting.delivery} ({@code ReportMail}'s address
 * rules). Never James, mailet, javax.mail, mime4j or Guice APIs ({@code ReportingLayeringTest}).
 */
package org.jamesdmarc.reporting.failure;

/**
 * Failure reports (RFC 9991), James-free: what one report says ({@link org.jamesdmarc.reporting.failure.FailureReport})
 * and the message that carries it ({@link org.jamesdmarc.reporting.failure.FailureReportMail}: ARF per RFC 5965,
 * RFC 6591 and RFC 9991's update of it), with the privacy rules: the failed message's header section only by default
 * ({@link org.jamesdmarc.reporting.failure.AttachedContent}), recipient fields dropped and local parts redacted with a
 * keyed token ({@link org.jamesdmarc.reporting.failure.ReportedHeaders},
 * {@link org.jamesdmarc.reporting.failure.LocalPartRedactor}, RFC 6590). Which reports an evaluation asks for is
 * decided in the core ({@code org.jamesdmarc.policy.FailureReportRules}); {@link
 * org.jamesdmarc.reporting.failure.FailureReporter} is the {@code check.FailureReportSink} that sends them: destination
 * verification, the log and rate limits of {@code store.FailureReportLog}, a {@link
 * org.jamesdmarc.reporting.failure.FailureReportOutbound}.
 *
 * <p>May import: the JDK, SLF4J, {@code org.jamesdmarc.dns}, {@code mail}, {@code auth}, {@code policy},
 * {@code check}, {@code store}, {@code reporting.aggregate} ({@code Reporter}) and {@code reporting.delivery}
 * ({@code ReportMail}'s address rules, {@code ReportDestination}, {@code DestinationAuthorizer}, {@code HandOff}).
 * Never James, mailet, javax.mail, mime4j or Guice APIs ({@code ReportingLayeringTest}).
 */
package org.jamesdmarc.reporting.failure;

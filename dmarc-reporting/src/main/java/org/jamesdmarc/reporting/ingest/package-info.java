/**
 * Ingest of the reports other receivers send about our domains (issue 12): aggregate reports (RFC 9990, RFC 7489
 * Appendix C) as gzip, zip or plain XML files or mail attachments, and failure reports (RFC 9991, RFC 6591 ARF), into
 * the {@link org.jamesdmarc.store.InboundReportStore}.
 *
 * <ul>
 *   <li>{@link org.jamesdmarc.reporting.ingest.ReportIngest}: the entry point (a file, a mail, one report).</li>
 *   <li>{@code ReportUnpacker}: gzip, zip (one file; zip slip, nested archives refused) or XML by the first bytes;
 *       sizes and the decompression ratio bounded ({@link org.jamesdmarc.reporting.ingest.IngestLimits}).</li>
 *   <li>{@code AggregateReportParser}: StAX, streaming, no DTD (no XXE, no entity expansion), records handed over
 *       one at a time and stored in batches: memory independent of the report's size.</li>
 *   <li>{@code MessageScanner}: a mail's parts as a stream (mime4j).</li>
 * </ul>
 *
 * <p>Refused reports are kept aside with the reason ({@link org.jamesdmarc.reporting.ingest.IngestOutcome.Rejected});
 * nothing here queries the DNS.
 *
 * <p>May import: the JDK (StAX, zip), mime4j, {@code store}, and the core's {@code policy}, {@code auth} and
 * {@code dns} (value types only). No James, mailet or javax.mail API ({@code ReportingLayeringTest}): the mailet and
 * matcher are in {@code org.jamesdmarc.reporting.james}.
 */
package org.jamesdmarc.reporting.ingest;

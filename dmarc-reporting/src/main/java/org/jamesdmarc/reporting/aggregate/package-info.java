/**
 * RFC 9990 aggregate reports, James-free: {@link org.jamesdmarc.reporting.aggregate.AggregateReportBuilder} streams
 * one report per policy domain and period ({@link org.jamesdmarc.reporting.aggregate.ReportPeriod}: the UTC day or
 * hours dividing 24) from the store's report counters ({@link org.jamesdmarc.store.ReportCounterReader}) as XML
 * (StAX, no tree), in RFC 9990's namespace or RFC 7489's shape ({@link org.jamesdmarc.reporting.aggregate.ReportFormat}),
 * with a Report-ID derived from the receiver, the domain and the period
 * ({@link org.jamesdmarc.reporting.aggregate.ReportId}), so a re-send is identical. Delivery (gzip, mail, the
 * exactly-once ledger) builds on it.
 *
 * <p>RFCs: RFC 9990 §2.1 (the XML, its schema in {@code ../shared/reference/rfc9990-aggregate-report-schema.xsd}),
 * "DKIM Signatures in Aggregate Reports" (at most 100, priority order: kept so by the counters), "Definition of
 * Report-ID", "Email" (the file name); RFC 7489 Appendix C for the legacy shape.
 *
 * <p>May import: the JDK (including {@code javax.xml.stream}), {@code org.jamesdmarc.store} (the counters) and the
 * James-free packages of {@code dmarc-mailet}; never {@code org.jamesdmarc.cli}, {@code org.jamesdmarc.james} or a
 * James API ({@code ReportingLayeringTest}).
 */
package org.jamesdmarc.reporting.aggregate;

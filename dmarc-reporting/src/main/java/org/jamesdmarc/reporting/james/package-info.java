/**
 * James adapters of the evaluation history and the reports: the only package of {@code dmarc-reporting} that may
 * use James, mailet, javax.mail and Guice APIs ({@code ReportingLayeringTest}).
 *
 * <ul>
 *   <li>{@link org.jamesdmarc.reporting.james.DmarcHistoryModule}: the Guice module for James's
 *       {@code guice.extension.module} (in {@code conf/extensions.properties}); binds the process's one
 *       {@link org.jamesdmarc.check.EvaluationSink} (an {@link org.jamesdmarc.store.EvaluationHistory} configured by
 *       {@code conf/dmarc.properties}), its metrics, its daily retention and its shutdown.</li>
 *   <li>{@link org.jamesdmarc.reporting.james.DmarcHistory}: the mailet that records each mail's evaluation with
 *       the action taken.</li>
 *   <li>{@link org.jamesdmarc.reporting.james.DmarcReportScheduler}: the {@code guice.extension.startable} that
 *       sends the aggregate reports from inside James every {@code report.checkInterval}, through
 *       {@link org.jamesdmarc.reporting.james.MailetContextReportOutbound} (James's mailet context; the mail carries
 *       the marker attribute {@code org.jamesdmarc.report}, which the check and the history skip), on the history's
 *       database ({@link org.jamesdmarc.reporting.james.ReportDatabase}).</li>
 *   <li>{@link org.jamesdmarc.reporting.james.DmarcReportBounce}: the mailet of RemoteDelivery's
 *       {@code bounceProcessor} that records a report's delivery failure in the ledger.</li>
 *   <li>{@link org.jamesdmarc.reporting.james.IsDmarcReport} and
 *       {@link org.jamesdmarc.reporting.james.DmarcReportIngest}: the matcher and mailet of the rua/ruf mailbox, storing
 *       the reports others send ({@code org.jamesdmarc.reporting.ingest}; {@code MimeMessageInputStream} of
 *       james-server-core streams the mail to it).</li>
 * </ul>
 *
 * <p>May import: James's mailet, metrics and filesystem APIs, {@code MailImpl}
 * (james-server-core) and {@code UserDefinedStartable}, Guice and {@code javax.inject}, slf4j, the core's
 * {@code check} and below, and {@code org.jamesdmarc.store}. Never {@code org.jamesdmarc.james} (the core's
 * adapters).
 */
package org.jamesdmarc.reporting.james;

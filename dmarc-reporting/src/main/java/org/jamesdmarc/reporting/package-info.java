/**
 * Reporting, James-free: what a receiver must do before and while sending DMARC reports. Today
 * {@link ExternalDestinationVerifier}: a report destination whose Organizational Domain differs from the
 * policy's must publish {@code v=DMARC1} at {@code <policy-domain>._report._dmarc.<destination-host>}, or
 * receives no reports. The evaluation store and the aggregate and failure reports will live here too; their
 * James adapters (mailets, scheduled task) go in {@code org.jamesdmarc.reporting.james}, which alone may use
 * James APIs.
 *
 * <p>RFCs: RFC 9990 "Verifying External Destinations" (steps 1–9) and RFC 9991's reference to it for
 * {@code ruf}; RFC 1035 §2.3.4 (the constructed name's length).
 *
 * <p>May import: the JDK and the James-free packages of {@code dmarc-mailet} ({@code org.jamesdmarc.check},
 * {@code policy}, {@code auth}, {@code mail}, {@code dns}); never {@code org.jamesdmarc.cli},
 * {@code org.jamesdmarc.james} or a James API (those belong in {@code org.jamesdmarc.reporting.james}).
 * {@code ReportingLayeringTest} enforces the James-free part and the absence of cycles (so no import of
 * {@code cli}, which imports this package); the rest of this list is kept by review.
 */
package org.jamesdmarc.reporting;

/**
 * The thin James 3.8.1 adapters: everything that touches a James API lives here and nowhere else, and
 * holds no DMARC logic of its own (that is {@code check} and below).
 *
 * <ul>
 *   <li>{@link DmarcCheck}: the mailet; its class Javadoc is the one complete table of the check's
 *       parameters. {@link DmarcMessageHook}: the same check at the end of DATA, able to answer
 *       {@code 550 5.7.1} / {@code 451 4.4.3}. Both start through {@link CheckSetup} (parameters, checker,
 *       start-up errors) and run a {@link MeteredCheck} (timer, counters, attributes, the evaluation record
 *       of the history).</li>
 *   <li>{@link IsDmarcFail}, {@link DmarcResultIs}: matchers on the mail attributes of {@link DmarcAttributes}.</li>
 *   <li>{@link MailContexts} (a James {@code Mail} to a {@code MessageContext}), {@link HeaderEditor} (drop
 *       forged Authentication-Results fields, add ours at the top of the MimeMessage), {@link DmarcMetrics},
 *       {@link NoopMetricFactory}, {@link SoftwareVersion} (the {@code DMARC-Filter} field), {@link ConditionList}.</li>
 * </ul>
 * Future James adapters of the store and the reports go in {@code dmarc-reporting}, package
 * {@code org.jamesdmarc.reporting.james}, not here.
 *
 * <p>RFCs: RFC 8601 §5 (our field goes on top; fields claiming our authserv-id are removed); RFC 9989
 * §5.3.6 and §7.2 (applying the policy, rejecting at SMTP time); RFC 5321 §4.2 (reply text) and RFC 3463
 * (enhanced status codes 5.7.1, 4.4.3).
 *
 * <p>May import: anything below ({@code org.jamesdmarc.check}, {@code policy}, {@code auth}, {@code mail},
 * {@code dns}), the James and mailet APIs ({@code org.apache.james}, {@code org.apache.mailet}),
 * javax.mail, javax.inject, Guice ({@code com.google.inject}: only the optional injection of the
 * {@code EvaluationSink} into {@link DmarcMessageHook}), Commons Configuration, Reactive Streams, Guava, SLF4J. No package may import it
 * ({@code LayeringTest}: the {@code james} layer is accessed by no other layer).
 */
package org.jamesdmarc.james;

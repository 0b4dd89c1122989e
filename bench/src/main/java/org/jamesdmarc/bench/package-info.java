/**
 * JMH benchmarks of the check's CPU cost, without network: {@link EvaluationBenchmark} (DMARC evaluation
 * alone: discovery, record parsing, alignment, disposition, tree walk and PSL modes) and
 * {@link WholeEvaluationBenchmark} (one whole {@code DmarcChecker.check}: header parsing, From, SPF, RSA-2048
 * DKIM, DMARC and the Authentication-Results value, DNS answered from the warm cache). Build and run:
 * {@code mvn -pl bench -am package -DskipTests && java -jar bench/target/benchmarks.jar}.
 * {@code bench/compare-libopendmarc.sh} runs {@link EvaluationBenchmark} side by side with libopendmarc's
 * policy step and prints the ratio per case, comparing CPU time ({@link CpuTimeProfiler}) as the anchor
 * does. {@link AttackCostHarness} (not JMH) measures the cold cost of messages built to be expensive against a
 * slow attacker DNS: queries, wall time, bytes allocated. The evaluation history (issue 9) has harnesses of its
 * own against the real databases: {@link HistoryIngestHarness} (sustained ingest through the hand-off pipeline into
 * the store), {@link HistoryScaleHarness} (the report query over 10 million per-message rows, issue 10's scale),
 * {@link OpenDmarcHistoryReadHarness}. Throughput of a whole James server is measured by
 * {@code bench/james-throughput/run.sh}, outside Maven; {@link DkimSignTool} signs its messages.
 *
 * <p>RFCs: none of its own; it exercises the code of RFC 9989, RFC 7208, RFC 6376 and RFC 8601.
 *
 * <p>May import: JMH, the public API of any {@code dmarc-mailet} package and of {@code dmarc-reporting}'s
 * {@code org.jamesdmarc.store} packages, JDBC, jDKIM's signer, and the test fixtures from dmarc-mailet's test-jar
 * ({@code org.jamesdmarc.dns.testing}, {@code org.jamesdmarc.testsupport}). Nothing imports it.
 */
package org.jamesdmarc.bench;

/**
 * Test fixtures that stand in for the outside world: {@link KnotDnsServer} (a real {@code knotd} on a free
 * loopback port, for tests that need a real DNS server) and {@link DkimTestSigner} (DKIM signatures with a key
 * made in the test); {@link MissingTool} decides what a test does when such a tool is not installed (skip on a
 * developer's machine, fail in CI). Shared with the other modules and the benchmarks through the test-jar.
 */
package org.jamesdmarc.testsupport;

package org.jamesdmarc.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.jamesdmarc.dns.DnsClient;
import org.jamesdmarc.dns.DnsSettings;

import picocli.CommandLine;

/** Runs the {@code dmarc} command in-process and captures what it printed and returned. */
record CliRun(int exitCode, String out, String err) {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    static CliRun run(String... args) {
        return run(DmarcCli.newCommandLine(), args);
    }

    static CliRun run(Function<DnsSettings, DnsClient> dnsClients, String... args) {
        return run(DmarcCli.newCommandLine(dnsClients), args);
    }

    static CliRun run(CommandLine cl, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** stdout parsed as JSON. */
    JsonNode json() {
        try {
            return MAPPER.readTree(out);
        } catch (Exception e) {
            throw new AssertionError("stdout is not JSON: " + out + "\nstderr: " + err, e);
        }
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
    }
}

package org.jamesdmarc.cli;

import java.io.PrintWriter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.jamesdmarc.policy.DmarcRecord;
import org.jamesdmarc.policy.ReportUri;

/** JSON output of the commands: pretty-printed, fields in a fixed order. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static void print(PrintWriter out, ObjectNode node) {
        try {
            out.println(MAPPER.writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e); // cannot happen for a tree of nodes
        }
        out.flush();
    }

    /** The tags as written in the record, in record order. */
    static ObjectNode tags(DmarcRecord record) {
        ObjectNode tags = object();
        record.tags().forEach(tags::put);
        return tags;
    }

    /**
     * A record with its tags as written and the values that apply once defaults are filled in
     * (RFC 9989 §4.7).
     */
    static ObjectNode record(DmarcRecord record) {
        ObjectNode o = object();
        o.set("tags", tags(record));
        o.put("p", record.policy().tagValue());
        o.put("sp", record.subdomainPolicy().tagValue());
        o.put("np", record.nonExistentSubdomainPolicy().tagValue());
        o.put("adkim", record.adkim().tagValue());
        o.put("aspf", record.aspf().tagValue());
        o.put("t", record.testing() ? "y" : "n");
        o.put("psd", record.psd().tagValue());
        o.set("rua", uris(record.rua()));
        o.set("ruf", uris(record.ruf()));
        ArrayNode fo = o.putArray("fo");
        record.fo().forEach(fo::add);
        return o;
    }

    private static ArrayNode uris(java.util.List<ReportUri> uris) {
        ArrayNode a = MAPPER.createArrayNode();
        uris.forEach(u -> a.add(u.toString()));
        return a;
    }
}

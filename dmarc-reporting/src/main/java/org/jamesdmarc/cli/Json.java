package org.jamesdmarc.cli;

import java.io.PrintWriter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.jamesdmarc.policy.DmarcRecord;

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
        return org.jamesdmarc.reporting.DomainCheck.tagsJson(record);
    }

    /** A record with its tags as written and the values that apply once defaults are filled in. */
    static ObjectNode record(DmarcRecord record) {
        return org.jamesdmarc.reporting.DomainCheck.recordJson(record);
    }
}

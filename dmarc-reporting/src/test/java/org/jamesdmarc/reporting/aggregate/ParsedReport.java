package org.jamesdmarc.reporting.aggregate;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** A report read back with a DOM parser (tests only): its metadata and each record as a canonical line. */
record ParsedReport(String namespace, String reportId, String domain, long begin, long end, Map<String, String> policy,
                    List<String> metadataElements, Map<String, Long> records) {

    static ParsedReport parse(byte[] xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document d = f.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
        Element root = d.getDocumentElement();
        Element metadata = child(root, "report_metadata");
        List<String> metadataElements = new ArrayList<>();
        for (Element e : children(metadata)) {
            metadataElements.add(e.getLocalName());
        }
        Element range = child(metadata, "date_range");
        Map<String, String> policy = new LinkedHashMap<>();
        for (Element e : children(child(root, "policy_published"))) {
            policy.put(e.getLocalName(), e.getTextContent());
        }
        Map<String, Long> records = new LinkedHashMap<>();
        for (Element record : children(root)) {
            if (!record.getLocalName().equals("record")) {
                continue;
            }
            Element row = child(record, "row");
            Element evaluated = child(row, "policy_evaluated");
            StringBuilder line = new StringBuilder();
            line.append(text(row, "source_ip")).append('|').append(text(evaluated, "disposition")).append('|')
                    .append(text(evaluated, "dkim")).append('|').append(text(evaluated, "spf")).append('|');
            for (Element reason : children(evaluated)) {
                if (reason.getLocalName().equals("reason")) {
                    line.append(text(reason, "type"));
                    Element comment = optionalChild(reason, "comment");
                    if (comment != null) {
                        line.append(':').append(comment.getTextContent());
                    }
                    line.append(',');
                }
            }
            Element ids = child(record, "identifiers");
            line.append('|').append(text(ids, "header_from")).append('|').append(optionalText(ids, "envelope_from"))
                    .append('|').append(optionalText(ids, "envelope_to")).append('|');
            for (Element auth : children(child(record, "auth_results"))) {
                line.append(auth.getLocalName()).append('(').append(text(auth, "domain")).append('/');
                if (auth.getLocalName().equals("dkim")) {
                    line.append(text(auth, "selector"));
                } else {
                    line.append(optionalText(auth, "scope"));
                }
                line.append('/').append(text(auth, "result")).append(')');
            }
            records.merge(line.toString(), Long.parseLong(text(row, "count")), Long::sum);
        }
        return new ParsedReport(root.getNamespaceURI(), text(metadata, "report_id"), policy.get("domain"),
                Long.parseLong(text(range, "begin")), Long.parseLong(text(range, "end")), policy, metadataElements,
                records);
    }

    long messages() {
        return records.values().stream().mapToLong(Long::longValue).sum();
    }

    static List<Element> children(Element e) {
        List<Element> list = new ArrayList<>();
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c) {
                list.add(c);
            }
        }
        return list;
    }

    static Element child(Element e, String name) {
        Element c = optionalChild(e, name);
        if (c == null) {
            throw new AssertionError("no " + name + " in " + e.getLocalName());
        }
        return c;
    }

    static Element optionalChild(Element e, String name) {
        for (Element c : children(e)) {
            if (c.getLocalName().equals(name)) {
                return c;
            }
        }
        return null;
    }

    static String text(Element e, String name) {
        return child(e, name).getTextContent();
    }

    static String optionalText(Element e, String name) {
        Element c = optionalChild(e, name);
        return c == null ? "-" : c.getTextContent();
    }
}

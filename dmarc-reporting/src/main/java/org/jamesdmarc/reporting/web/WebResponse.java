package org.jamesdmarc.reporting.web;

import java.util.Objects;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a route answers: the HTTP status, the content type and the body.
 *
 * @param status      HTTP status code
 * @param contentType the {@code Content-Type} header's value
 * @param body        the body (JSON, HTML or XML text)
 */
public record WebResponse(int status, String contentType, String body) {

    public static final String JSON = "application/json";
    public static final String HTML = "text/html;charset=utf-8";
    public static final String XML = "application/xml;charset=utf-8";

    static final ObjectMapper MAPPER = new ObjectMapper();

    public WebResponse {
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(body, "body");
    }

    /** A JSON body. */
    public static WebResponse json(int status, JsonNode body) {
        try {
            return new WebResponse(status, JSON, MAPPER.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e); // cannot happen for a tree of nodes
        }
    }

    /** 200 with a JSON body. */
    public static WebResponse ok(JsonNode body) {
        return json(200, body);
    }

    /**
     * An error in WebAdmin's own shape: {@code {"statusCode":400,"type":"InvalidArgument","message":"..."}}.
     *
     * @param type {@code InvalidArgument}, {@code notFound} or {@code ServerError}, as James's {@code ErrorResponder}
     */
    public static WebResponse error(int status, String type, String message) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("statusCode", status);
        o.put("type", type);
        o.put("message", message);
        return json(status, o);
    }

    /** 400: a parameter is missing or wrong. */
    public static WebResponse badRequest(String message) {
        return error(400, "InvalidArgument", message);
    }

    /** 404: no such thing. */
    public static WebResponse notFound(String message) {
        return error(404, "notFound", message);
    }
}

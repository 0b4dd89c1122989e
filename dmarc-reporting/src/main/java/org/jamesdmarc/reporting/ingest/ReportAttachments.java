package org.jamesdmarc.reporting.ingest;

import java.util.Locale;

/** Which mail parts are aggregate reports: by content type (RFC 9990 §5.2 and what senders use) or file name. */
public final class ReportAttachments {

    private ReportAttachments() {
    }

    /**
     * True for {@code application/gzip}, {@code application/zip} (RFC 9990 §5.2), {@code application/x-gzip},
     * {@code application/x-zip-compressed}, {@code application/x-zip}, {@code text/xml}, {@code application/xml};
     * for another type (e.g. {@code application/octet-stream}) but text, when the file name ends in {@code .xml},
     * {@code .gz}, {@code .gzip} or {@code .zip}.
     */
    public static boolean isAggregate(String contentType, String fileName) {
        String f = fileName.toLowerCase(Locale.ROOT);
        boolean reportName = f.endsWith(".xml") || f.endsWith(".gz") || f.endsWith(".zip") || f.endsWith(".gzip");
        return switch (contentType.toLowerCase(Locale.ROOT)) {
            case "application/gzip", "application/x-gzip", "application/zip", "application/x-zip-compressed",
                 "application/x-zip", "text/xml", "application/xml" -> true;
            case "text/plain", "text/html", "multipart/alternative" -> false;
            default -> reportName;
        };
    }
}

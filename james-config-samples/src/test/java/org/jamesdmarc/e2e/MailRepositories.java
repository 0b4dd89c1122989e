package org.jamesdmarc.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads James mail repositories (e.g. {@code var/mail/dmarc-quarantine}) through WebAdmin. */
final class MailRepositories {
    private static final Pattern KEY = Pattern.compile("\"([^\"]+)\"");

    private MailRepositories() {
    }

    /**
     * The raw messages in a repository: {@code GET /mailRepositories/{path}/mails} for the keys, then
     * each mail with {@code Accept: message/rfc822}. Empty when the repository does not exist yet.
     */
    static List<String> messages(JamesProcess james, String repository) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        String base = "/mailRepositories/" + encode(repository) + "/mails";
        HttpResponse<String> keys = http.send(HttpRequest.newBuilder(james.webAdmin(base)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        if (keys.statusCode() == 404) {
            return List.of();
        }
        if (keys.statusCode() != 200) {
            throw new IllegalStateException("GET " + base + " answered " + keys.statusCode() + ": " + keys.body());
        }
        List<String> messages = new ArrayList<>();
        Matcher m = KEY.matcher(keys.body());
        while (m.find()) {
            URI uri = james.webAdmin(base + "/" + encode(m.group(1)));
            HttpResponse<String> mail = http.send(HttpRequest.newBuilder(uri)
                    .header("Accept", "message/rfc822").GET().build(),
                HttpResponse.BodyHandlers.ofString());
            if (mail.statusCode() == 200) {
                messages.add(mail.body());
            }
        }
        return messages;
    }

    /** Polls (bounded by {@code timeout}) for a message of the repository containing {@code text}. */
    static Optional<String> await(JamesProcess james, String repository, String text, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<String> found = messages(james, repository).stream().filter(m -> m.contains(text)).findFirst();
            if (found.isPresent() || System.nanoTime() - deadline > 0) {
                return found;
            }
            Thread.sleep(250);
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}

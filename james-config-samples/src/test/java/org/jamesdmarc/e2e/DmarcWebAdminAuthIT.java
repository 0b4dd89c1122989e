package org.jamesdmarc.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import org.openqa.selenium.By;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The DMARC WebAdmin routes behind WebAdmin's own JWT authentication ({@code jwt.enabled=true} with a public key of
 * this test's, a conf overlay): every data route answers 401 without the admin's token and 200 with it; the
 * dashboard's page is public, carries no data, and in a real browser asks for the token, then shows the data.
 */
class DmarcWebAdminAuthIT {

    private static final List<String> DATA_ROUTES = List.of("/dmarc/domains/james.local/check", "/dmarc/history",
            "/dmarc/history/stats", "/dmarc/reports/outbound", "/dmarc/reports/inbound",
            "/dmarc/reports/inbound/0123456789abcdef0123456789abcdef");

    private static JamesProcess james;
    private static String adminToken;
    private static String userToken;

    @BeforeAll
    static void start() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair keys = g.generateKeyPair();
        adminToken = jwt(keys.getPrivate(), "admin@james.local", true);
        userToken = jwt(keys.getPrivate(), "user@james.local", false);
        Path overlay = Files.createTempDirectory(DmarcWebAdminIT.e2eDir(), "webadmin-jwt-conf-");
        Files.writeString(overlay.resolve("jwt_publickey"), "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(keys.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
        Path sample = JamesProcess.repositoryRoot().resolve("james-config-samples/conf/webadmin.properties");
        Files.writeString(overlay.resolve("webadmin.properties"), Files.readString(sample)
                + "\njwt.enabled=true\njwt.publickeypem.url=file://conf/jwt_publickey\n");
        Files.writeString(overlay.resolve("dmarc.properties"), "report.enabled=false\n");
        james = JamesProcess.builder("webadmin-jwt").confOverlay(overlay).env("JAMES_WEBADMIN_TOKEN", adminToken)
                .startTimeout(java.time.Duration.ofMinutes(10))
                .start();
    }

    @AfterAll
    static void stop() {
        if (james != null) {
            james.close();
        }
    }

    /** An RS256 JWT as WebAdmin 3.8.1 verifies it: {@code sub} is the login, {@code admin} the admin flag. */
    private static String jwt(PrivateKey key, String subject, boolean admin) throws Exception {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String claims = b64.encodeToString(("{\"sub\":\"" + subject + "\",\"admin\":" + admin + ",\"iat\":"
                + Instant.now().getEpochSecond() + "}").getBytes(StandardCharsets.UTF_8));
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(key);
        s.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
        return header + "." + claims + "." + b64.encodeToString(s.sign());
    }

    @Test
    void everyDataRouteWantsTheAdminsToken() throws Exception {
        WebAdminClient anonymous = new WebAdminClient(james, Optional.empty());
        WebAdminClient user = new WebAdminClient(james, Optional.of(userToken));
        WebAdminClient admin = new WebAdminClient(james, Optional.of(adminToken));
        for (String route : DATA_ROUTES) {
            assertThat(anonymous.get(route).status()).as(route).isEqualTo(401);
            assertThat(user.get(route).status()).as(route + " (not an admin)").isEqualTo(401);
            assertThat(admin.get(route).status()).as(route).isIn(200, 404);
        }
        assertThat(anonymous.post("/dmarc/reports/outbound/any/resend").status()).isEqualTo(401);
        assertThat(admin.get("/dmarc/history").status()).isEqualTo(200);
        assertThat(admin.get("/dmarc/reports/inbound/0123456789abcdef0123456789abcdef").status()).isEqualTo(404);
    }

    @Test
    void theDashboardPageIsPublicCarriesNoDataAndAsksForTheToken() throws Exception {
        WebAdminClient.Answer page = new WebAdminClient(james, Optional.empty()).get("/dmarc/dashboard");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.contentType()).startsWith("text/html");

        try (DashboardBrowser browser = DashboardBrowser.start(DmarcWebAdminIT.e2eDir())) {
            String state = browser.open("http://" + JamesProcess.HOST + ":" + james.webAdminPort() + "/dmarc/dashboard");
            assertThat(state).startsWith("error");
            assertThat(browser.find(By.id("auth")).isDisplayed()).isTrue();
            assertThat(browser.text("received-messages")).isEqualTo("–");

            browser.script("document.body.removeAttribute('data-loaded')");
            browser.find(By.id("token")).sendKeys(adminToken);
            browser.find(By.cssSelector("#auth-form button")).click();
            assertThat(browser.awaitLoaded()).isEqualTo("true");
            assertThat(browser.text("received-messages")).isEqualTo("0");
            assertThat(browser.find(By.id("auth")).isDisplayed()).isFalse();
        }
    }
}

package org.jamesdmarc.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What {@code ./run-james} puts into James's {@code extensions-jars/} is exactly the extension: our two module
 * jars (dmarc-mailet, dmarc-reporting), plus only the libraries of the history store that James 3.8.1 does not
 * ship (Flyway, HikariCP, the H2, MariaDB and PostgreSQL drivers). James loads extension classes parent-first,
 * so a library James already has would be shadowed (or clash) — it must not be bundled; nor may what only the
 * command-line tool needs (picocli, the progress bar and its jline, slf4j-simple). The store must work from an
 * extension class loader whose parent holds James's jars.
 */
class ExtensionPackagingTest {

    private static Path home;
    private static Path lib;

    @BeforeAll
    static void layOut() throws Exception {
        Path root = Paths.get(System.getProperty("jamesdmarc.repo.root", "..")).toAbsolutePath().normalize();
        home = Files.createDirectories(Paths.get("target/packaging-check")).toAbsolutePath().resolve("home");
        ProcessBuilder pb = new ProcessBuilder(root.resolve("run-james").toString(), "--no-build", "--layout-only",
                home.toString()).directory(root.toFile()).redirectErrorStream(true);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("layout finished").isTrue();
        assertThat(p.exitValue()).as("run-james --layout-only output:%n%s", output).isZero();
        lib = Paths.get(System.getenv().getOrDefault("JAMES_LIB_DIR", root.resolve("var/james/lib").toString()));
    }

    private static List<Path> jars(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".jar")).sorted().toList();
        }
    }

    /** {@code dnsjava-3.5.2.jar} → {@code dnsjava}: the artifact name without version. */
    private static String artifactName(Path jar) {
        String name = jar.getFileName().toString().replaceFirst("\\.jar$", "");
        return name.replaceFirst("-\\d[^-]*(-[A-Za-z0-9.]+)*$", "");
    }

    @Test
    void extensionHoldsOurJarsAndTheStoreLibraries() throws IOException {
        List<String> names = jars(home.resolve("extensions-jars")).stream().map(ExtensionPackagingTest::artifactName)
                .toList();
        assertThat(names).contains("dmarc-mailet", "dmarc-reporting", "HikariCP", "flyway-core", "flyway-mysql",
                "flyway-database-postgresql", "h2", "mariadb-java-client", "postgresql");
        assertThat(names).as("one version of each library").doesNotHaveDuplicates();
    }

    @Test
    void extensionHoldsNothingOnlyTheCommandLineToolNeeds() throws IOException {
        for (Path jar : jars(home.resolve("extensions-jars"))) {
            String name = jar.getFileName().toString();
            assertThat(artifactName(jar)).as(name).isNotIn("picocli", "jline", "progressbar", "slf4j-simple", "jansi");
            assertThat(name).as("the shaded command-line jar").isNotEqualTo("dmarc-cli.jar");
            assertThat(name).doesNotStartWith("jline").doesNotContain("progressbar");
        }
    }

    @Test
    void extensionHoldsNothingJamesShips() throws IOException {
        List<Path> extension = jars(home.resolve("extensions-jars"));
        assertThat(extension).extracting(j -> j.getFileName().toString()).anyMatch(n -> n.startsWith("dmarc-mailet-"));

        Set<String> jamesArtifacts = jars(lib).stream().map(ExtensionPackagingTest::artifactName)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(jamesArtifacts).as("James runtime in %s", lib).contains("dnsjava", "apache-jspf-resolver",
                "apache-jdkim-library", "apache-mailet-api", "guava", "jackson-databind");
        for (Path jar : extension) {
            assertThat(jamesArtifacts).as("%s is shipped by James already", jar.getFileName())
                    .doesNotContain(artifactName(jar));
        }
    }

    @Test
    void ourJarBundlesNoForeignClasses() throws IOException {
        for (Path jar : jars(home.resolve("extensions-jars"))) {
            if (!jar.getFileName().toString().startsWith("dmarc-")) {
                continue;
            }
            List<String> foreign = new ArrayList<>();
            try (JarFile jf = new JarFile(jar.toFile())) {
                jf.stream().map(e -> e.getName())
                        .filter(n -> n.endsWith(".class"))
                        .filter(n -> !n.startsWith("org/jamesdmarc/"))
                        .forEach(foreign::add);
            }
            assertThat(foreign).as("classes outside org.jamesdmarc in %s", jar.getFileName()).isEmpty();
        }
    }

    /**
     * As in James: the extension jars in a class loader of their own whose parent holds James's jars (without
     * logback, to keep the output quiet), and the thread's context class loader not the extension's. The store
     * opens an H2 database (HikariCP, Flyway and its migrations, the driver) and the other drivers and Flyway's
     * database support load and link.
     */
    @Test
    void storeLoadsFromAnExtensionClassLoader() throws Exception {
        URL[] jamesUrls = jars(lib).stream().filter(j -> !j.getFileName().toString().startsWith("logback-"))
                .map(ExtensionPackagingTest::url).toArray(URL[]::new);
        URL[] extensionUrls = jars(home.resolve("extensions-jars")).stream().map(ExtensionPackagingTest::url)
                .toArray(URL[]::new);
        Path db = Files.createDirectories(home.resolve("var/dmarc")).resolve("classloader-check");
        Files.deleteIfExists(db.resolveSibling("classloader-check.mv.db"));
        try (URLClassLoader james = new URLClassLoader("james", jamesUrls, ClassLoader.getPlatformClassLoader());
             URLClassLoader extension = new URLClassLoader("extensions-jars", extensionUrls, james)) {
            for (String name : List.of("org.h2.Driver", "org.mariadb.jdbc.Driver", "org.postgresql.Driver",
                    "com.zaxxer.hikari.HikariDataSource", "org.flywaydb.core.Flyway",
                    "org.flywaydb.database.mysql.MySQLDatabaseType",
                    "org.flywaydb.database.mysql.mariadb.MariaDBDatabaseType",
                    "org.flywaydb.database.postgresql.PostgreSQLDatabaseType",
                    "org.jamesdmarc.store.JdbcHistoryStore", "org.jamesdmarc.james.DmarcMessageHook")) {
                Class<?> c = Class.forName(name, true, extension);
                assertThat(c.getClassLoader()).as("%s comes from the extension jars", name).isSameAs(extension);
            }
            assertThat(Class.forName("org.slf4j.Logger", false, extension).getClassLoader()).as("James's slf4j")
                    .isSameAs(james);

            Thread thread = Thread.currentThread();
            ClassLoader before = thread.getContextClassLoader();
            thread.setContextClassLoader(james);
            try {
                Class<?> secret = extension.loadClass("org.jamesdmarc.store.Secret");
                Class<?> config = extension.loadClass("org.jamesdmarc.store.StoreConfig");
                Object storeConfig = config.getConstructor(String.class, String.class, secret)
                        .newInstance("jdbc:h2:file:" + db, "sa", secret.getMethod("none").invoke(null));
                Class<?> storeClass = extension.loadClass("org.jamesdmarc.store.JdbcHistoryStore");
                try (AutoCloseable store = (AutoCloseable) storeClass.getMethod("open", config).invoke(null, storeConfig)) {
                    Method count = storeClass.getMethod("count");
                    assertThat(count.invoke(store)).isEqualTo(0L);
                    assertThat(storeClass.getMethod("schemaVersion").invoke(store)).isNotNull();
                }
            } finally {
                thread.setContextClassLoader(before);
            }
        }
    }

    private static URL url(Path jar) {
        try {
            return jar.toUri().toURL();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

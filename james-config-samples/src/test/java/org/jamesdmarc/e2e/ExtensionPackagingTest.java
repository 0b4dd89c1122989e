package org.jamesdmarc.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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
 * What {@code ./run-james} puts into James's {@code extensions-jars/} is exactly the extension: our classes,
 * plus only libraries James 3.8.1 does not ship. James loads extension classes parent-first, so a library
 * James already has would be shadowed (or clash) — it must not be bundled.
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
    void extensionHoldsOurJarAndNothingJamesShips() throws IOException {
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
}

package org.jamesdmarc.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Every production package of this module has a {@code package-info.java} saying what it may import (the
 * allow-list {@link LayeringTest} enforces), so a new package cannot appear without its place in the layers.
 */
class PackageInfoTest {

    private static final Path MAIN = Path.of("src/main/java");

    @Test
    void everyPackageSaysWhatItMayImport() throws IOException {
        List<Path> packages;
        try (Stream<Path> files = Files.walk(MAIN)) {
            packages = files.filter(f -> f.toString().endsWith(".java")).map(Path::getParent).distinct()
                    .collect(Collectors.toList());
        }
        assertThat(packages).as("packages under %s", MAIN).isNotEmpty();
        for (Path dir : packages) {
            Path info = dir.resolve("package-info.java");
            assertThat(info).as("package-info of %s", MAIN.relativize(dir)).exists();
            assertThat(Files.readString(info)).as("%s", info).contains("May import");
        }
    }
}

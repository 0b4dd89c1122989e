package org.jamesdmarc.e2e;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/** Packages compiled test classes into a jar that can be dropped into James's extensions-jars/. */
public final class ExtensionJars {
    private ExtensionJars() {
    }

    /** A jar holding every class of {@code anchor}'s package (not sub-packages), written to {@code jar}. */
    public static Path packageOf(Class<?> anchor, Path jar) throws IOException {
        Path classesRoot;
        try {
            classesRoot = Paths.get(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException("cannot locate classes of " + anchor, e);
        }
        String packagePath = anchor.getPackageName().replace('.', '/');
        Path packageDir = classesRoot.resolve(packagePath);
        List<Path> classes;
        try (Stream<Path> files = Files.list(packageDir)) {
            classes = files.filter(f -> f.getFileName().toString().endsWith(".class")).sorted().toList();
        }
        if (classes.isEmpty()) {
            throw new IOException("no classes in " + packageDir);
        }
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        Files.createDirectories(jar.toAbsolutePath().getParent());
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jarOut = new JarOutputStream(out, manifest)) {
            for (Path c : classes) {
                jarOut.putNextEntry(new JarEntry(packagePath + "/" + c.getFileName()));
                jarOut.write(Files.readAllBytes(c));
                jarOut.closeEntry();
            }
        }
        return jar;
    }
}

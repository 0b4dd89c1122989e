package org.jamesdmarc.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Keeps the core's layers (see DEVELOPMENT.md): {@code james} → {@code check} → {@code policy} → {@code auth}
 * → {@code mail} → {@code dns}, each importing only downwards, and each core package importing only what its
 * allow-list names, so no James, mailet, protocols or javax.mail API reaches the James-free core.
 */
class LayeringTest {

    private static final String ROOT = "org.jamesdmarc";
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    @Test
    void theProductionClassesWereImported() {
        Set<String> packages = MAIN.stream().map(JavaClass::getPackageName).collect(Collectors.toSet());
        // A rule over no classes passes vacuously: make sure every layer is really there.
        assertThat(packages).contains(ROOT + ".dns", ROOT + ".mail", ROOT + ".auth", ROOT + ".policy",
                ROOT + ".check", ROOT + ".james");
    }

    @Test
    void noPackageCycles() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void layersOnlyImportDownwards() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("james").definedBy(ROOT + ".james..")
                .layer("check").definedBy(ROOT + ".check..")
                .layer("policy").definedBy(ROOT + ".policy..")
                .layer("auth").definedBy(ROOT + ".auth..")
                .layer("mail").definedBy(ROOT + ".mail..")
                .layer("dns").definedBy(ROOT + ".dns..")
                .whereLayer("james").mayNotBeAccessedByAnyLayer()
                .whereLayer("check").mayOnlyBeAccessedByLayers("james")
                .whereLayer("policy").mayOnlyBeAccessedByLayers("james", "check")
                .whereLayer("auth").mayOnlyBeAccessedByLayers("james", "check", "policy")
                .whereLayer("mail").mayOnlyBeAccessedByLayers("james", "check", "policy", "auth")
                .whereLayer("dns").mayOnlyBeAccessedByLayers("james", "check", "policy", "auth", "mail")
                .check(MAIN);
    }

    @Test
    void dnsImportsOnlyTheJdkSlf4jAndDnsjava() {
        onlyImports("dns", "org.xbill.DNS..", "org.slf4j..").check(MAIN);
    }

    @Test
    void mailImportsOnlyTheJdkAndDns() {
        onlyImports("mail", ROOT + ".dns..").check(MAIN);
    }

    @Test
    void authImportsOnlyJspfJdkimMime4jAndTheLayersBelow() {
        // mime4j: DkimMessage reads a message as jDKIM's own Message class does, without its per-call lookups.
        onlyImports("auth", "org.apache.james.jspf..", "org.apache.james.jdkim..", "org.apache.james.mime4j..",
                "org.slf4j..",
                ROOT + ".mail..", ROOT + ".dns..").check(MAIN);
    }

    @Test
    void policyImportsOnlyTheLayersBelow() {
        onlyImports("policy", "org.slf4j..", ROOT + ".auth..", ROOT + ".mail..", ROOT + ".dns..").check(MAIN);
    }

    @Test
    void checkImportsNoJamesApi() {
        // Jackson: the evaluation JSON (James ships it); Guava: InetAddresses for IP literals in settings.
        onlyImports("check", "org.slf4j..", "com.fasterxml.jackson..", "com.google.common.net..",
                ROOT + ".policy..", ROOT + ".auth..", ROOT + ".mail..", ROOT + ".dns..").check(MAIN);
    }

    /** Classes of core package {@code layer} depend only on the JDK, their own package and {@code allowed}. */
    private static ArchRule onlyImports(String layer, String... allowed) {
        String[] packages = new String[allowed.length + 2];
        packages[0] = "java..";
        packages[1] = ROOT + "." + layer + "..";
        System.arraycopy(allowed, 0, packages, 2, allowed.length);
        return classes().that().resideInAPackage(ROOT + "." + layer + "..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(packages)
                .because("the " + layer + " layer's allow-list (its package-info.java)");
    }
}

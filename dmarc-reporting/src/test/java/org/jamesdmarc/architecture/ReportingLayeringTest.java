package org.jamesdmarc.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * dmarc-reporting sits on top of the core (see DEVELOPMENT.md): only its James adapter package
 * {@value #JAMES_ADAPTERS} may touch James, mailet, protocols or javax.mail APIs, its packages form no cycle, and
 * nothing of it reaches into the core's James adapters ({@code org.jamesdmarc.james}).
 */
class ReportingLayeringTest {

    private static final String JAMES_ADAPTERS = "org.jamesdmarc.reporting.james..";
    /** James server APIs (mime4j, jSPF and jDKIM are plain libraries and are not listed). */
    private static final String[] JAMES_APIS = {"org.apache.mailet..", "javax.mail..", "org.apache.james.core..",
        "org.apache.james.server..", "org.apache.james.protocols..", "org.apache.james.smtpserver..",
        "org.apache.james.metrics..", "org.apache.james.webadmin..", "org.apache.james.utils..",
        "org.apache.james.lifecycle..", "org.apache.james.task..", "com.google.inject..", "org.jamesdmarc.james.."};
    /** This module's own packages (the core's classes are on the class path too, but not under test here). */
    private static final String[] OWN = {"org.jamesdmarc.cli..", "org.jamesdmarc.reporting..",
        "org.jamesdmarc.store.."};

    private static final JavaClasses OWN_CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("org.jamesdmarc.cli", "org.jamesdmarc.reporting", "org.jamesdmarc.store");

    @Test
    void theModulesClassesWereImported() {
        assertThat(OWN_CLASSES.stream().map(c -> c.getPackageName()).distinct())
                .contains("org.jamesdmarc.cli", "org.jamesdmarc.reporting", "org.jamesdmarc.store",
                        "org.jamesdmarc.store.opendmarc", "org.jamesdmarc.reporting.james");
    }

    @Test
    void onlyTheJamesAdapterPackageUsesJamesApis() {
        noClasses().that().resideInAnyPackage(OWN).and().resideOutsideOfPackage(JAMES_ADAPTERS)
                .should().dependOnClassesThat().resideInAnyPackage(JAMES_APIS)
                .because("James wiring lives in " + JAMES_ADAPTERS + " only; the store, reports and CLI stay James-free")
                .allowEmptyShould(true)
                .check(OWN_CLASSES);
    }

    @Test
    void noPackageCycles() {
        slices().matching("org.jamesdmarc.(*)..").should().beFreeOfCycles().check(OWN_CLASSES);
    }
}

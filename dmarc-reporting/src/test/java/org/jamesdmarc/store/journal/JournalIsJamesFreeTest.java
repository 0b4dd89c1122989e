package org.jamesdmarc.store.journal;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/** The journal package depends on the JDK and slf4j only (see its package-info): no James API, no other package. */
class JournalIsJamesFreeTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("org.jamesdmarc.store.journal");

    @Test
    void dependsOnTheJdkAndSlf4jOnly() {
        noClasses().should().dependOnClassesThat().resideOutsideOfPackages("java..", "org.slf4j..",
                        "org.jamesdmarc.store.journal..")
                .because("the journal and the pipeline are generic and James-free; the store implements BatchSink")
                .check(CLASSES);
    }
}

package dev.whetstone.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module graph of docs/architecture.md, checked on the compiled production classes of every module (this module
 * has them all on its class path, as jars in a reactor build): core ← store-sql, engine-torch ← server ← cli, and
 * the engine entered only through {@code TorchEngine} and its benchmarks. The test helpers of whetstone-testing are
 * not production code and are left out of the engine rule.
 */
class ModuleBoundariesTest {
    /** Packages of whetstone-core (the ports {@code dev.whetstone.engine} and {@code dev.whetstone.store} included). */
    private static final String[] CORE = {"dev.whetstone", "dev.whetstone.data..", "dev.whetstone.files..",
            "dev.whetstone.jobs..", "dev.whetstone.models..", "dev.whetstone.deployments..", "dev.whetstone.engine",
            "dev.whetstone.engine.inference..", "dev.whetstone.error..", "dev.whetstone.graders..", "dev.whetstone.net..", "dev.whetstone.safety..", "dev.whetstone.store",
            "dev.whetstone.worker.."};

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.whetstone");
        if (classes.size() < 300) {
            throw new AssertionError("expected the production classes of every module, found " + classes.size());
        }
    }

    /** The imported class graph is large; other tests in this JVM measure heap. */
    @AfterAll
    static void release() {
        classes = null;
    }

    @Test
    void coreDependsOnNoAdapter() {
        noClasses().that().resideInAnyPackage(CORE)
                .should().dependOnClassesThat().resideInAnyPackage("dev.whetstone.engine.torch..",
                        "dev.whetstone.store.sql..", "dev.whetstone.store.blob..", "dev.whetstone.server..",
                        "dev.whetstone.cli..", "io.javalin..", "org.jdbi..", "org.bytedeco..")
                .check(classes);
    }

    @Test
    void theEngineIsEnteredOnlyThroughTorchEngineAndItsBenchmarks() {
        noClasses().that().resideOutsideOfPackages("dev.whetstone.engine.torch..", "dev.whetstone.testing..")
                .should().dependOnClassesThat(DescribedPredicate.describe(
                        "are engine internals (not TorchEngine, not bench)",
                        c -> c.getPackageName().startsWith("dev.whetstone.engine.torch")
                                && !c.getName().startsWith("dev.whetstone.engine.torch.TorchEngine")
                                && !c.getPackageName().startsWith("dev.whetstone.engine.torch.bench")))
                .check(classes);
    }

    @Test
    void storesAndEngineDoNotKnowTheServerOrEachOther() {
        noClasses().that().resideInAnyPackage("dev.whetstone.store.sql..", "dev.whetstone.store.blob..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.whetstone.engine.torch..",
                        "dev.whetstone.server..", "dev.whetstone.cli..")
                .check(classes);
        noClasses().that().resideInAPackage("dev.whetstone.engine.torch..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.whetstone.store.sql..",
                        "dev.whetstone.store.blob..", "dev.whetstone.server..", "dev.whetstone.cli..")
                .check(classes);
    }

    @Test
    void theServerDoesNotKnowTheCommandLine() {
        noClasses().that().resideInAPackage("dev.whetstone.server..")
                .should().dependOnClassesThat().resideInAPackage("dev.whetstone.cli..")
                .check(classes);
    }
}

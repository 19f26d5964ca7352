package io.kwhisk.invoker;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The invoker's import rules (see ARCHITECTURE.md): it depends on common only, never on the
 * controller, the broker or a launcher; its feature packages form no cycle; and only the root
 * package (the wiring: {@code Invoker}, {@code InvokerMain}, {@code InvokerConfig}) sees the whole
 * configuration, each feature taking a narrow settings record ({@code ProxySettings}, {@code
 * PoolSettings}) instead. Kept here so that building the invoker alone checks them.
 */
@Timeout(60)
class InvokerLayeringTest {
  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.kwhisk.invoker");

  @Test
  void theInvokerDependsOnNoKwhiskModuleButCommon() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.kwhisk.controller..",
            "io.kwhisk.broker..",
            "io.kwhisk.standalone..",
            "io.kwhisk.perf..")
        .check(CLASSES);
  }

  @Test
  void theInvokersFeaturePackagesFormNoCycle() {
    slices().matching("io.kwhisk.invoker.(*)..").should().beFreeOfCycles().check(CLASSES);
  }

  @Test
  void noFeaturePackageSeesTheWiringOrTheWholeConfiguration() {
    noClasses()
        .that()
        .resideInAPackage("io.kwhisk.invoker.(*)..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.kwhisk.invoker")
        .check(CLASSES);
  }

  @Test
  void containersAndTheirEngineKnowNothingOfPoolsOrProxies() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "io.kwhisk.invoker.docker..",
            "io.kwhisk.invoker.publish..",
            "io.kwhisk.invoker.metrics..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.kwhisk.invoker.pool..",
            "io.kwhisk.invoker.push..",
            "io.kwhisk.invoker.proxy..",
            "io.kwhisk.invoker.prewarm..")
        .check(CLASSES);
  }
}

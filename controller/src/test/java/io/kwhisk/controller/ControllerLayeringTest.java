package io.kwhisk.controller;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The controller's import rules: it depends on common only (never on the invoker, the embedded
 * broker, a launcher or perf), its feature packages form no cycle and never import the wiring in
 * the root package, and only the HTTP layer (and the wiring) knows the HTTP layer, so the
 * scheduler, stores and readers can be reused and tested alone. Kept here so that building the
 * controller alone checks them.
 */
@Timeout(30)
class ControllerLayeringTest {
  static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.kwhisk.controller");

  @Test
  void theControllerDependsOnNoKwhiskModuleButCommon() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.kwhisk.invoker..",
            "io.kwhisk.broker..",
            "io.kwhisk.standalone..",
            "io.kwhisk.perf..")
        .check(CLASSES);
  }

  @Test
  void theControllersFeaturePackagesFormNoCycle() {
    slices().matching("io.kwhisk.controller.(*)..").should().beFreeOfCycles().check(CLASSES);
  }

  @Test
  void onlyTheWiringDependsOnTheHttpLayer() {
    noClasses()
        .that()
        .resideOutsideOfPackages("io.kwhisk.controller.api..", "io.kwhisk.controller")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.kwhisk.controller.api..", "org.apache.pekko.http..")
        .check(CLASSES);
  }

  /**
   * The root package is the wiring ({@code Controller}, {@code ControllerMain}, the configuration
   * record): it knows every feature, no feature knows it, so a feature is built and tested from its
   * collaborators alone (the API reads its few settings through {@code api.ApiSettings}). The one
   * exception is the admin command line, an entry point of its own that is configured exactly as a
   * controller is, so it reads the controller's configuration.
   */
  @Test
  void featurePackagesDoNotDependOnTheWiringInTheRootPackage() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.kwhisk.controller")
        .and()
        .haveNameNotMatching("io\\.kwhisk\\.controller\\.admin\\.Admin(Main|Limits)(\\$.*)?")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.kwhisk.controller")
        .check(CLASSES);
  }

  @Test
  void kafkaClientsStayOutOfTheSchedulingPolicyAndTheAuthLogic() {
    noClasses()
        .that()
        .resideInAnyPackage("io.kwhisk.controller.auth..", "io.kwhisk.controller.api..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.apache.kafka.clients..")
        .check(CLASSES);
  }

  /**
   * Admission's request path stays O(1) and Kafka-free: only the lag source, run by the refresher,
   * talks to Kafka.
   */
  @Test
  void onlyTheLagSourceOfAdmissionTalksToKafka() {
    noClasses()
        .that()
        .resideInAPackage("io.kwhisk.controller.throttle..")
        .and()
        .doNotHaveSimpleName("KafkaLagSource")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.apache.kafka..")
        .check(CLASSES);
  }
}

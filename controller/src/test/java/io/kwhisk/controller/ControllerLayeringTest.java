package io.kwhisk.controller;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The controller's import rules: it never reaches into the invoker or the embedded broker, and only the HTTP layer
 * (and the wiring) knows the HTTP layer, so the scheduler, stores and readers can be reused and tested alone.
 */
@Timeout(30)
class ControllerLayeringTest {
  static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.kwhisk.controller");

  @Test
  void theControllerDependsOnNeitherTheInvokerNorTheBroker() {
    noClasses().should().dependOnClassesThat().resideInAnyPackage("io.kwhisk.invoker..", "io.kwhisk.broker..")
        .check(CLASSES);
  }

  @Test
  void onlyTheWiringDependsOnTheHttpLayer() {
    noClasses().that().resideOutsideOfPackages("io.kwhisk.controller.api..", "io.kwhisk.controller")
        .should().dependOnClassesThat().resideInAnyPackage("io.kwhisk.controller.api..", "org.apache.pekko.http..")
        .check(CLASSES);
  }

  @Test
  void kafkaClientsStayOutOfTheSchedulingPolicyAndTheAuthLogic() {
    noClasses().that().resideInAnyPackage("io.kwhisk.controller.auth..", "io.kwhisk.controller.api..")
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka.clients..")
        .check(CLASSES);
  }

  /** Admission's request path stays O(1) and Kafka-free: only the lag source, run by the refresher, talks to Kafka. */
  @Test
  void onlyTheLagSourceOfAdmissionTalksToKafka() {
    noClasses().that().resideInAPackage("io.kwhisk.controller.throttle..")
        .and().doNotHaveSimpleName("KafkaLagSource")
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..")
        .check(CLASSES);
  }
}

package io.kwhisk.perf;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * perf drives kwhisk over HTTP like a user: of kwhisk it may use only the contract in common. Inside perf,
 * dependencies point from the command line down: cli -> matrix -> load/report -> client.
 */
@Timeout(60)
class LayeringTest {
  private static final JavaClasses PERF = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.kwhisk.perf");

  @Test
  void perfUsesNoKwhiskModuleButCommon() {
    noClasses().that().resideInAPackage("io.kwhisk.perf..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "io.kwhisk.controller..", "io.kwhisk.invoker..", "io.kwhisk.broker..", "io.kwhisk.standalone..")
        .check(PERF);
  }

  @Test
  void measuringAndReportingKnowNothingOfTheCommandLine() {
    noClasses().that().resideInAnyPackage("io.kwhisk.perf.load..", "io.kwhisk.perf.report..",
            "io.kwhisk.perf.client..", "io.kwhisk.perf.matrix..")
        .should().dependOnClassesThat().resideInAnyPackage("io.kwhisk.perf.cli..")
        .check(PERF);
    noClasses().that().resideInAnyPackage("io.kwhisk.perf.load..", "io.kwhisk.perf.client..")
        .should().dependOnClassesThat().resideInAnyPackage("io.kwhisk.perf.report..", "io.kwhisk.perf.matrix..")
        .check(PERF);
  }
}

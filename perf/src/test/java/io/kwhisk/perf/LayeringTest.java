package io.kwhisk.perf;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * perf drives kwhisk over HTTP like a user: of kwhisk it may use only the contract in common.
 * Inside perf, dependencies point from the command line down: cli -> matrix/burst/lifecycle ->
 * load/report -> client/cpu, where report may read the result records of load, burst and lifecycle
 * but none of them writes a report.
 */
@Timeout(60)
class LayeringTest {
  private static final JavaClasses PERF =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.kwhisk.perf");

  @Test
  void perfUsesNoKwhiskModuleButCommon() {
    noClasses()
        .that()
        .resideInAPackage("io.kwhisk.perf..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.kwhisk.controller..",
            "io.kwhisk.invoker..",
            "io.kwhisk.broker..",
            "io.kwhisk.standalone..")
        .check(PERF);
  }

  @Test
  void perfsPackagesFormNoCycle() {
    slices().matching("io.kwhisk.perf.(*)..").should().beFreeOfCycles().check(PERF);
  }

  @Test
  void measuringAndReportingKnowNothingOfTheCommandLine() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "io.kwhisk.perf.load..",
            "io.kwhisk.perf.report..",
            "io.kwhisk.perf.client..",
            "io.kwhisk.perf.matrix..",
            "io.kwhisk.perf.burst..",
            "io.kwhisk.perf.direct..",
            "io.kwhisk.perf.lifecycle..",
            "io.kwhisk.perf.trace..",
            "io.kwhisk.perf.engine..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.kwhisk.perf.cli..")
        .check(PERF);
    noClasses()
        .that()
        .resideInAPackage("io.kwhisk.perf.cpu..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.kwhisk.perf.cli..",
            "io.kwhisk.perf.load..",
            "io.kwhisk.perf.report..",
            "io.kwhisk.perf.matrix..",
            "io.kwhisk.perf.client..")
        .check(PERF);
    noClasses()
        .that()
        .resideInAnyPackage(
            "io.kwhisk.perf.load..",
            "io.kwhisk.perf.client..",
            "io.kwhisk.perf.burst..",
            "io.kwhisk.perf.lifecycle..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.kwhisk.perf.report..", "io.kwhisk.perf.matrix..")
        .check(PERF);
  }

  @Test
  void theScenariosStandSideBySideSharingOnlyTheLoadBasics() {
    noClasses()
        .that()
        .resideInAnyPackage("io.kwhisk.perf.burst..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.kwhisk.perf.lifecycle..", "io.kwhisk.perf.matrix..")
        .check(PERF);
    noClasses()
        .that()
        .resideInAnyPackage("io.kwhisk.perf.lifecycle..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.kwhisk.perf.burst..", "io.kwhisk.perf.matrix..")
        .check(PERF);
    noClasses()
        .that()
        .resideInAnyPackage("io.kwhisk.perf.load..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.kwhisk.perf.burst..", "io.kwhisk.perf.lifecycle..", "io.kwhisk.perf.trace..")
        .check(PERF);
    noClasses()
        .that()
        .resideInAnyPackage("io.kwhisk.perf.trace..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.kwhisk.perf.burst..",
            "io.kwhisk.perf.lifecycle..",
            "io.kwhisk.perf.matrix..",
            "io.kwhisk.perf.report..")
        .check(PERF);
  }
}

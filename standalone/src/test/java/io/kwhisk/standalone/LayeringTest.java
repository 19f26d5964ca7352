package io.kwhisk.standalone;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Keeps the dependency rule of ARCHITECTURE.md: controller and invoker depend on common and never
 * on each other, common depends on no other module, only the standalone launcher sees them all, and
 * no package is a grab-bag. Maven's module graph already forbids most of this; the test also
 * catches a stray dependency added to a pom.
 */
@Timeout(60)
class LayeringTest {
  private static final JavaClasses KWHISK =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.kwhisk");

  @Test
  void commonDependsOnNoOtherModule() {
    noClasses()
        .that()
        .resideInAPackage("io.kwhisk.common..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.kwhisk.controller..",
            "io.kwhisk.invoker..",
            "io.kwhisk.broker..",
            "io.kwhisk.standalone..",
            "io.kwhisk.perf..")
        .check(KWHISK);
  }

  @Test
  void controllerAndInvokerNeverDependOnEachOtherNorOnTheLaunchers() {
    noClasses()
        .that()
        .resideInAPackage("io.kwhisk.controller..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.kwhisk.invoker..", "io.kwhisk.broker..", "io.kwhisk.standalone..")
        .check(KWHISK);
    noClasses()
        .that()
        .resideInAPackage("io.kwhisk.invoker..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.kwhisk.controller..", "io.kwhisk.broker..", "io.kwhisk.standalone..")
        .check(KWHISK);
  }

  @Test
  void noPackageIsAGrabBag() {
    noClasses()
        .should()
        .resideInAnyPackage("..util..", "..utils..", "..helpers..", "..misc..", "..manager..")
        .check(KWHISK);
  }
}

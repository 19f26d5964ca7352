package io.kwhisk.common;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * common is the contract every module shares (see ARCHITECTURE.md): it depends on no other kwhisk
 * module, and its packages form no cycle. Kept here so that building common alone checks it.
 */
@Timeout(60)
class CommonLayeringTest {
  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.kwhisk.common");

  @Test
  void commonDependsOnNoOtherModule() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.kwhisk.controller..",
            "io.kwhisk.invoker..",
            "io.kwhisk.broker..",
            "io.kwhisk.standalone..",
            "io.kwhisk.perf..")
        .check(CLASSES);
  }

  @Test
  void commonsPackagesFormNoCycle() {
    slices().matching("io.kwhisk.common.(*)..").should().beFreeOfCycles().check(CLASSES);
  }
}

package io.mse.client.zookeeper;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import org.junit.jupiter.api.Test;

/**
 * The ZooKeeper engine obeys the layering of docs/architecture.md: it sees only core's public API
 * and SPI, never core's cache layer, governance, another engine or MseClient; and its packages form
 * no cycle.
 */
class ZooKeeperArchitectureTest {

  private static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.mse.client.zookeeper");

  @Test
  void theEngineSeesOnlyCoresApiAndSpi() {
    noClasses().that().resideInAPackage("io.mse.client.zookeeper..")
        .should().dependOnClassesThat().resideInAnyPackage("io.mse.client.internal", "io.mse.client.config.internal",
            "io.mse.client.naming.internal", "io.mse.client.governance..", "io.mse.client.nacos..")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("io.mse.client.MseClient")
        .check(CLASSES);
  }

  @Test
  void noPackageCycles() {
    SlicesRuleDefinition.slices().matching("io.mse.client.(**)").should().beFreeOfCycles().check(CLASSES);
  }
}

package io.mse.client.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import io.mse.client.MseClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of docs/architecture.md, checked on the compiled main classes of mse-client-core:
 * <pre>
 *   API (io.mse.client, .config, .naming, .governance)   imports no internal, SPI or engine package
 *   SPI (io.mse.client.spi)                               sees only the API
 *   cache layer (io.mse.client.internal, .config.internal, .naming.internal)   sees API and SPI
 *   engines (io.mse.client.nacos..)                       see only API and SPI
 *   MseClient                                             assembles them (the one class above all)
 *   governance (io.mse.client.governance..)               sees only the API
 *   metrics (io.mse.client.metrics)                       sees only the API and MseClient; the only
 *                                                         package that uses Micrometer (optional)
 * </pre>
 * and no cycle between packages (MseClient counted as a package of its own, on top).
 */
class ArchitectureTest {

  private static final String[] API = {"io.mse.client", "io.mse.client.config", "io.mse.client.naming"};
  private static final String SPI = "io.mse.client.spi";
  private static final String[] CACHES = {"io.mse.client.internal", "io.mse.client.config.internal",
      "io.mse.client.naming.internal"};
  private static final String ENGINES = "io.mse.client.nacos..";
  private static final String GOVERNANCE = "io.mse.client.governance..";
  private static final String METRICS = "io.mse.client.metrics";

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.mse.client");
  }

  @Test
  void apiTypesImportNoInternalSpiOrEnginePackage() {
    classes().that().resideInAnyPackage(API).or().resideInAnyPackage("io.mse.client.governance")
        .and(not(belongToAnyOf(MseClient.class)))
        .should().onlyDependOnClassesThat().resideOutsideOfPackages("..internal..", SPI + "..", ENGINES)
        .because("the public API is what users see: it must not reach into implementations")
        .check(classes);
  }

  @Test
  void spiSeesOnlyTheApi() {
    noClasses().that().resideInAPackage(SPI + "..")
        .should().dependOnClassesThat().resideInAnyPackage("..internal..", ENGINES, GOVERNANCE)
        .orShould().dependOnClassesThat().belongToAnyOf(MseClient.class)
        .check(classes);
  }

  @Test
  void cacheLayerSeesApiAndSpiOnly() {
    noClasses().that().resideInAnyPackage(CACHES)
        .should().dependOnClassesThat().resideInAnyPackage(ENGINES, GOVERNANCE)
        .orShould().dependOnClassesThat().belongToAnyOf(MseClient.class)
        .check(classes);
  }

  @Test
  void enginesSeeOnlyApiAndSpi() {
    noClasses().that().resideInAPackage(ENGINES)
        .should().dependOnClassesThat().resideInAnyPackage(CACHES)
        .orShould().dependOnClassesThat().resideInAnyPackage(GOVERNANCE)
        .orShould().dependOnClassesThat().belongToAnyOf(MseClient.class)
        .check(classes);
  }

  @Test
  void governanceSeesOnlyThePublicApi() {
    noClasses().that().resideInAPackage(GOVERNANCE)
        .should().dependOnClassesThat().resideInAnyPackage(CACHES)
        .orShould().dependOnClassesThat().resideInAnyPackage(SPI + "..", ENGINES)
        .orShould().dependOnClassesThat().belongToAnyOf(MseClient.class)
        .check(classes);
  }

  @Test
  void metricsSeeOnlyThePublicApiAndAloneUseMicrometer() {
    noClasses().that().resideInAPackage(METRICS)
        .should().dependOnClassesThat().resideInAnyPackage("..internal..", SPI + "..", ENGINES)
        .check(classes);
    noClasses().that().resideOutsideOfPackage(METRICS)
        .should().dependOnClassesThat().resideInAPackage("io.micrometer..")
        .because("Micrometer is optional: only io.mse.client.metrics may load it")
        .check(classes);
  }

  @Test
  void noPackageCycles() {
    SlicesRuleDefinition.slices().assignedFrom(new PackagesWithMseClientOnTop()).should().beFreeOfCycles()
        .check(classes);
  }

  /** One slice per package, and MseClient (with its nested classes) a slice of its own. */
  private static final class PackagesWithMseClientOnTop implements SliceAssignment {
    @Override
    public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
      JavaClass top = javaClass;
      while (top.getEnclosingClass().isPresent()) {
        top = top.getEnclosingClass().get();
      }
      if (top.isEquivalentTo(MseClient.class)) {
        return SliceIdentifier.of("MseClient");
      }
      return javaClass.getPackageName().startsWith("io.mse.client")
          ? SliceIdentifier.of(javaClass.getPackageName()) : SliceIdentifier.ignore();
    }

    @Override
    public String getDescription() {
      return "packages of io.mse.client, with MseClient on top";
    }
  }
}

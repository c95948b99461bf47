package io.mse.client.spring.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.mse.client.MseClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test class's publishing client of the embedded engine and its snapshot folder (applications
 * started by the class keep their snapshots below it too); both go when the class is done. Register
 * with {@code @RegisterExtension static final EmbeddedConfigs configs = new EmbeddedConfigs();}.
 */
final class EmbeddedConfigs implements BeforeAllCallback, AfterAllCallback {

  private Path snapshots;
  private MseClient publisher;

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    snapshots = Files.createTempDirectory("mse-config-test-");
    publisher = ImportTesting.publisher(snapshots);
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    publisher.close();
    try (Stream<Path> files = Files.walk(snapshots)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (UncheckedIOException e) {
      // best effort
    }
  }

  /** The folder for snapshots. */
  Path snapshots() {
    return snapshots;
  }

  /** The publishing client. */
  MseClient publisher() {
    return publisher;
  }

  /** Publishes a new config in DEFAULT_GROUP under a dataId no other test uses, made from {@code name}; returns the dataId. */
  String publishNew(String name, String content) {
    String dataId = ImportTesting.dataId(name);
    publish(dataId, null, content);
    return dataId;
  }

  /** Publishes (creates or replaces) a config, asserting the server stored it. */
  void publish(String dataId, String group, String content) {
    assertThat(publisher.config().publishConfig(dataId, group, content)).as("published %s", dataId).isTrue();
  }
}

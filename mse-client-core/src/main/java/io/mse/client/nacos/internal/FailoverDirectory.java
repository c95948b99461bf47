package io.mse.client.nacos.internal;

import io.mse.client.config.ConfigKey;
import io.mse.client.internal.SnapshotStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's failover directory: a config file placed at {@code <dir>/config/<group>/<dataId>}
 * (each segment escaped as {@link SnapshotStore#escape(String)} does, so {@code a:b} is
 * {@code a%3Ab}) overrides the server's content of that config until it is removed. Read-only for
 * the client. Stateless apart from its path; thread-safe.
 */
final class FailoverDirectory {

  private static final Logger LOG = LoggerFactory.getLogger(FailoverDirectory.class);

  private final Path root;

  FailoverDirectory(Path root) {
    this.root = root;
  }

  Path root() {
    return root;
  }

  /** Returns the file that overrides {@code key}. */
  Path file(ConfigKey key) {
    return root.resolve("config").resolve(SnapshotStore.escape(key.group()))
        .resolve(SnapshotStore.escape(key.dataId()));
  }

  /** Returns true when the directory exists at all (one file-system check). */
  boolean present() {
    return Files.isDirectory(root);
  }

  /** Returns the overriding content of {@code key} (UTF-8), or empty when there is no such file. */
  Optional<String> read(ConfigKey key) {
    Path file = file(key);
    try {
      return Files.isRegularFile(file)
          ? Optional.of(new String(Files.readAllBytes(file), StandardCharsets.UTF_8)) : Optional.empty();
    } catch (IOException e) {
      LOG.warn("Could not read the failover file '{}': {}", file, e.toString());
      return Optional.empty();
    }
  }
}

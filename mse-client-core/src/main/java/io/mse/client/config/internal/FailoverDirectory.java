package io.mse.client.config.internal;

import io.mse.client.MseClientConfig;
import io.mse.client.config.ConfigKey;
import io.mse.client.internal.SnapshotStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's failover directory, for every engine: a config file placed at
 * {@code <dir>/config/<group>/<dataId>} (each segment escaped as {@link SnapshotStore#escape(String)}
 * does, so {@code a:b} is {@code a%3Ab}) overrides the server's content of that config until it is
 * removed. The directory is the client property {@value #DIR} (alias {@value #DIR_ALIAS}), by default
 * {@code <snapshotDir>/<escaped server>/<namespace>/failover}; it is checked every {@value #CHECK} ms
 * (alias {@value #CHECK_ALIAS}, default 5000). Read-only for the client. Stateless apart from its
 * path; thread-safe.
 */
final class FailoverDirectory {

  private static final Logger LOG = LoggerFactory.getLogger(FailoverDirectory.class);
  /** The client property naming the directory. */
  static final String DIR = "failoverDir";
  /** The name {@link #DIR} had when only the Nacos engine had a failover directory. */
  static final String DIR_ALIAS = "nacos.failoverDir";
  /** The client property of the interval between checks, in ms. */
  static final String CHECK = "failoverCheckMillis";
  /** The name {@link #CHECK} had when only the Nacos engine had a failover directory. */
  static final String CHECK_ALIAS = "nacos.failoverCheckMillis";
  static final long DEFAULT_CHECK_MILLIS = 5000;

  private final Path root;

  FailoverDirectory(Path root) {
    this.root = root;
  }

  /** Returns the failover directory of these settings: the property, or the default under the snapshots. */
  static FailoverDirectory of(MseClientConfig settings, SnapshotStore snapshots) {
    String configured = property(settings, DIR, DIR_ALIAS);
    return new FailoverDirectory(configured != null && !configured.isBlank() ? Path.of(configured)
        : snapshots.root().resolve("failover"));
  }

  /**
   * Returns the interval between checks of these settings.
   *
   * @throws IllegalArgumentException when the property is not a positive number of ms
   */
  static Duration checkInterval(MseClientConfig settings) {
    String value = property(settings, CHECK, CHECK_ALIAS);
    if (value == null) {
      return Duration.ofMillis(DEFAULT_CHECK_MILLIS);
    }
    try {
      long millis = Long.parseLong(value.strip());
      if (millis > 0) {
        return Duration.ofMillis(millis);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(CHECK + " '" + value + "' is invalid: it is a positive number of ms");
  }

  private static String property(MseClientConfig settings, String name, String alias) {
    String value = settings.property(name, null);
    return value != null ? value : settings.property(alias, null);
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

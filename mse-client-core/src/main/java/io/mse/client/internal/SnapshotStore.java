package io.mse.client.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mse.client.config.ConfigKey;
import io.mse.client.naming.Instance;
import io.mse.client.naming.ServiceKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last known good data on disk: one file per config and per service, under
 * {@code <snapshotDir>/<server>/<namespace>/config/<group>/<dataId>} and
 * {@code .../naming/<group>/<service>.json}. Every path segment is escaped so that any legal name
 * (with ':' for instance) is a valid file name on every OS. Files are replaced atomically, so a
 * reader never sees half a file. Thread-safe. Failures to write are logged, never thrown.
 */
public final class SnapshotStore {

  private static final Logger LOG = LoggerFactory.getLogger(SnapshotStore.class);
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private static final Set<String> WINDOWS_RESERVED = Set.of("con", "prn", "aux", "nul", "com1", "com2",
      "com3", "com4", "com5", "com6", "com7", "com8", "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6",
      "lpt7", "lpt8", "lpt9");

  private final Path root;

  /**
   * @param snapshotDir the user's snapshot directory
   * @param serverAddr the server address, which becomes one escaped directory level
   * @param namespace the namespace id, "" for public
   */
  public SnapshotStore(Path snapshotDir, String serverAddr, String namespace) {
    this.root = snapshotDir.resolve(escape(serverAddr)).resolve(namespace.isEmpty() ? "public" : escape(namespace));
  }

  /** Returns the directory of this server and namespace. */
  public Path root() {
    return root;
  }

  /** Returns the snapshot file of a config. */
  public Path configFile(ConfigKey key) {
    return root.resolve("config").resolve(escape(key.group())).resolve(escape(key.dataId()));
  }

  /** Returns the snapshot file of a service's instance list. */
  public Path serviceFile(ServiceKey key) {
    return root.resolve("naming").resolve(escape(key.group())).resolve(escape(key.service()) + ".json");
  }

  /** Stores a config's content; null content (the config does not exist) deletes the file. */
  public void writeConfig(ConfigKey key, String content) {
    Path file = configFile(key);
    if (content == null) {
      delete(file);
    } else {
      write(file, content.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Returns the stored content of a config, or empty when there is no snapshot. */
  public Optional<String> readConfig(ConfigKey key) {
    return read(configFile(key)).map(bytes -> new String(bytes, StandardCharsets.UTF_8));
  }

  /** Stores a service's instance list. */
  public void writeInstances(ServiceKey key, List<Instance> instances) {
    try {
      write(serviceFile(key), JSON.writeValueAsBytes(instances));
    } catch (IOException e) {
      LOG.warn("Could not encode the snapshot of '{}'", key, e);
    }
  }

  /** Returns the stored instance list of a service, or empty when there is none or it is unreadable. */
  public Optional<List<Instance>> readInstances(ServiceKey key) {
    return read(serviceFile(key)).flatMap(bytes -> {
      try {
        return Optional.of(List.copyOf(JSON.readValue(bytes, new TypeReference<List<Instance>>() {})));
      } catch (IOException | IllegalArgumentException e) {
        LOG.warn("Ignoring the unreadable snapshot of '{}': {}", key, e.toString());
        return Optional.empty();
      }
    });
  }

  /**
   * Escapes one path segment: letters and digits of ASCII, '.', '-' and '_' stay; every other
   * character becomes {@code %XX} per UTF-8 byte; "", "." and ".." and the Windows device names
   * are prefixed with {@code %}.
   */
  public static String escape(String segment) {
    StringBuilder out = new StringBuilder(segment.length() + 8);
    for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-'
          || c == '_') {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    String escaped = out.toString();
    String base = escaped.contains(".") ? escaped.substring(0, escaped.indexOf('.')) : escaped;
    if (escaped.isEmpty() || escaped.equals(".") || escaped.equals("..")
        || WINDOWS_RESERVED.contains(base.toLowerCase(Locale.ROOT)) || escaped.endsWith(".")) {
      return "%" + escaped;
    }
    return escaped;
  }

  private static void write(Path file, byte[] bytes) {
    try {
      Files.createDirectories(file.getParent());
      Path temp = Files.createTempFile(file.getParent(), ".snapshot", ".tmp");
      try {
        Files.write(temp, bytes);
        try {
          Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      LOG.warn("Could not write the snapshot '{}': {}", file, e.toString());
    }
  }

  private static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.warn("Could not delete the snapshot '{}': {}", file, e.toString());
    }
  }

  private static Optional<byte[]> read(Path file) {
    try {
      return Files.isRegularFile(file) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
    } catch (IOException e) {
      LOG.warn("Could not read the snapshot '{}': {}", file, e.toString());
      return Optional.empty();
    }
  }
}

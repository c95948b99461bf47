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
 * {@code .../naming/<group>/<service>.json}. Every path segment is escaped (see {@link #escape}) so
 * that any legal name, with ':' or non-ASCII letters or 512 characters long, is a valid file name on
 * every OS. On a case-insensitive file system (Windows, macOS) two names that differ only in case
 * would meet in one file: the store checks each file's real name and treats a file found under
 * another case as no snapshot (and does not overwrite it), so it never serves one key's data for
 * another.
 *
 * <p>Files are written to a temporary file beside them and then renamed over them (atomically where
 * the file system can), so neither a reader nor a crash mid-write ever leaves half a snapshot: the file
 * holds the old content or the new one (a crash may leave a {@code .snapshot*.tmp} file behind, never
 * read). Snapshots are the client's configs, which may hold secrets: on a POSIX file system every file
 * is readable and writable by its owner only ({@code rw-------}) and every directory the store
 * creates is its owner's only ({@code rwx------}).
 *
 * <p>A snapshot directory that cannot be written (read-only, full, not a directory) never fails the
 * client, which keeps everything in memory: the first failed write of an episode is logged at WARN,
 * the next ones at DEBUG, and the first write that works again at INFO. Thread-safe.
 *
 * <p>Config snapshots are plain bytes; only instance lists go through Jackson, whose mapper is made on
 * the first instance-list write or read, so that a client's start-up and first config read load none
 * of Jackson's classes.
 */
public final class SnapshotStore {

  private static final Logger LOG = LoggerFactory.getLogger(SnapshotStore.class);
  private static final Set<String> WINDOWS_RESERVED = Set.of("con", "prn", "aux", "nul", "com1", "com2",
      "com3", "com4", "com5", "com6", "com7", "com8", "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6",
      "lpt7", "lpt8", "lpt9");

  private static final int MAX_SEGMENT = 150;
  private static final int KEPT_PREFIX = 100;

  /**
   * The JSON mapper of instance-list snapshots, made on first use (holder idiom): building an
   * {@link ObjectMapper} loads some 370 classes, a large share of a client's start-up, and a client that
   * only reads configs never needs it.
   */
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper()
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    static final TypeReference<List<Instance>> INSTANCES = new TypeReference<>() {};
  }

  private final Path base;
  private final Path root;
  /** True from a failed write until one works again: one WARN per episode, not one per write. */
  private final java.util.concurrent.atomic.AtomicBoolean failing = new java.util.concurrent.atomic.AtomicBoolean();

  /**
   * @param snapshotDir the user's snapshot directory
   * @param serverAddr the server address, which becomes one escaped directory level
   * @param namespace the namespace id, "" for public
   */
  public SnapshotStore(Path snapshotDir, String serverAddr, String namespace) {
    this.base = snapshotDir;
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
      write(serviceFile(key), Json.MAPPER.writeValueAsBytes(instances));
    } catch (IOException e) {
      LOG.warn("Could not encode the snapshot of '{}'", key, e);
    }
  }

  /** Returns the stored instance list of a service, or empty when there is none or it is unreadable. */
  public Optional<List<Instance>> readInstances(ServiceKey key) {
    return read(serviceFile(key)).flatMap(bytes -> {
      try {
        return Optional.of(List.copyOf(Json.MAPPER.readValue(bytes, Json.INSTANCES)));
      } catch (IOException | IllegalArgumentException e) {
        LOG.warn("Ignoring the unreadable snapshot of '{}': {}", key, e.toString());
        return Optional.empty();
      }
    });
  }

  /**
   * Escapes one path segment into a portable file name: ASCII letters, digits, '.', '-' and '_'
   * stay; every other character becomes {@code %XX} per UTF-8 byte, and so does a trailing '.'
   * (Windows drops trailing dots); a Windows device name ({@code CON}, {@code nul.txt}...) gets a
   * {@code %} prefix. An escaped segment longer than {@value #MAX_SEGMENT} characters keeps its first
   * {@value #KEPT_PREFIX} and ends with {@code ~} and a hash of the whole name, so it fits every file
   * system's 255-byte limit and stays unique. Case is kept: this is the form operators use for the
   * failover directory.
   */
  public static String escape(String segment) {
    StringBuilder out = new StringBuilder(segment.length() + 8);
    byte[] bytes = segment.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      int c = bytes[i] & 0xff;
      boolean last = i == bytes.length - 1;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
          || (c == '.' && !last)) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    String escaped = out.toString();
    String base = escaped.contains(".") ? escaped.substring(0, escaped.indexOf('.')) : escaped;
    if (escaped.isEmpty() || WINDOWS_RESERVED.contains(base.toLowerCase(Locale.ROOT))) {
      escaped = "%" + escaped;
    }
    if (escaped.length() > MAX_SEGMENT) {
      int cut = KEPT_PREFIX;
      while (cut > 0 && escaped.lastIndexOf('%', cut - 1) > cut - 3) {
        cut--; // do not split a %XX triple
      }
      escaped = escaped.substring(0, cut) + "~" + hash(segment, 16);
    }
    return escaped;
  }

  private static String hash(String segment, int hexChars) {
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(segment.getBytes(StandardCharsets.UTF_8));
      StringBuilder hex = new StringBuilder(hexChars);
      for (int i = 0; hex.length() < hexChars; i++) {
        hex.append(Character.forDigit((digest[i] >> 4) & 0xf, 16)).append(Character.forDigit(digest[i] & 0xf, 16));
      }
      return hex.toString();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  /**
   * Returns false when {@code file} exists under another case than asked for (a case-insensitive
   * file system holding another key's file), logging it once per call.
   */
  private boolean sameNameOnDisk(Path file) {
    if (!Files.exists(file)) {
      return true;
    }
    try {
      Path real = file.toRealPath();
      Path wanted = base.toAbsolutePath().normalize().relativize(file.toAbsolutePath().normalize());
      int n = wanted.getNameCount();
      if (real.getNameCount() < n) {
        return true;
      }
      Path tail = real.subpath(real.getNameCount() - n, real.getNameCount());
      for (int i = 0; i < n; i++) {
        if (!tail.getName(i).toString().equals(wanted.getName(i).toString())) {
          LOG.warn("Snapshot '{}' is held on disk as '{}' (another key on a case-insensitive file system);"
              + " it is not used for this key", file, real);
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      return true;
    }
  }

  private void write(Path file, byte[] bytes) {
    if (!sameNameOnDisk(file)) {
      return;
    }
    try {
      createDirectories(file.getParent());
      Path temp = Files.createTempFile(file.getParent(), ".snapshot", ".tmp"); // rw------- on POSIX
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
      if (failing.get() && failing.compareAndSet(true, false)) {
        LOG.info("Snapshots are written again under '{}'", root);
      }
    } catch (IOException | SecurityException e) {
      failed("write", file, e);
    }
  }

  /** Logs a failed write or delete: WARN for the first of an episode, DEBUG for the others. */
  private void failed(String what, Path file, Exception e) {
    if (failing.compareAndSet(false, true)) {
      LOG.warn("Could not {} the snapshot '{}' ({}); configs and instance lists are kept in memory only, and"
          + " further failures are logged at DEBUG until a snapshot is written again", what, file, e.toString());
    } else {
      LOG.debug("Could not {} the snapshot '{}': {}", what, file, e.toString());
    }
  }

  /** Creates a directory and its missing parents, each owner-only on a POSIX file system. */
  private static void createDirectories(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.createDirectories(dir, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
          java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
    } else {
      Files.createDirectories(dir);
    }
  }

  private void delete(Path file) {
    if (!sameNameOnDisk(file)) {
      return;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException | SecurityException e) {
      failed("delete", file, e);
    }
  }

  private Optional<byte[]> read(Path file) {
    if (!sameNameOnDisk(file)) {
      return Optional.empty();
    }
    try {
      return Files.isRegularFile(file) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
    } catch (IOException e) {
      LOG.warn("Could not read the snapshot '{}': {}", file, e.toString());
      return Optional.empty();
    }
  }
}

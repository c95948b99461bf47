package io.mse.client.testing.nacos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Nacos server that one test class starts for itself, to do what must not be done to the
 * shared servers of {@link NacosServers}: stop it, freeze it ({@code SIGSTOP}) and thaw it, restart it
 * with fresh data or with other server settings (a new token signing key, a short token TTL).
 *
 * <p>It is started with the same {@code nacos-server} script as the shared ones (found the same way;
 * {@link #assumeAvailable()} skips the calling test when there is none or when {@code MSE_IT_NACOS=off}),
 * on a preferred port when that port's set (P, P+1000, P+1001, P-1000) is free, else on a free one,
 * from a temporary folder deleted by {@link #close()}. Server settings that the script does not take
 * (it fixes the token's signing key on its command line) go in {@code SPRING_APPLICATION_JSON}, which
 * Spring Boot ranks above Java system properties: e.g. {@code nacos.core.auth.plugin.nacos.token.secret.key}
 * and {@code nacos.core.auth.plugin.nacos.token.expire.seconds}; the embedded database is given 120 s
 * instead of 3 s to open ({@code db.pool.config.connectionTimeout}: on a loaded host its creation took
 * longer and the start failed with "Login timeout exceeded"). A start that fails anyway is tried
 * again, up to three times.
 *
 * <p>Every server still running when the JVM ends is thawed and stopped by a shutdown hook. Not
 * thread-safe: one test thread drives it.
 */
public final class NacosServerProcess implements AutoCloseable {

  /** Server setting: the base64 key (at least 32 bytes) that signs access tokens. */
  public static final String TOKEN_SECRET_KEY = "nacos.core.auth.plugin.nacos.token.secret.key";
  /** Server setting: the lifetime of an access token, in seconds. */
  public static final String TOKEN_EXPIRE_SECONDS = "nacos.core.auth.plugin.nacos.token.expire.seconds";

  /**
   * The embedded database's connection (and login) timeout, 3 s by default: on a loaded host the
   * database's creation at start takes longer and the start fails ("Login timeout exceeded").
   */
  static final Map<String, String> PATIENT_DATABASE = Map.of("db.pool.config.connectionTimeout", "120000");

  private static final List<NacosServerProcess> RUNNING = new ArrayList<>();
  private static final long START_TIMEOUT_SECONDS = 300;

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      List<NacosServerProcess> left;
      synchronized (RUNNING) {
        left = new ArrayList<>(RUNNING);
      }
      left.forEach(NacosServerProcess::close);
    }, "nacos-server-process-stop"));
  }

  private final Path script;
  private final String version;
  private final int port;
  private final String auth;
  private final Path folder;
  private Map<String, String> settings;
  private boolean frozen;
  private boolean running;

  private NacosServerProcess(Path script, String version, int port, String auth, Map<String, String> settings)
      throws IOException {
    this.script = script;
    this.version = version;
    this.port = port;
    this.auth = auth;
    this.settings = Map.copyOf(settings);
    this.folder = Files.createTempDirectory("mse-rel-nacos-" + port + "-");
  }

  /** Skips the calling test (or class) when no server can be started here, saying why. */
  public static void assumeAvailable() {
    Assumptions.assumeFalse("off".equalsIgnoreCase(NacosServers.env("MSE_IT_NACOS")),
        "real Nacos servers are off (MSE_IT_NACOS=off)");
    Assumptions.assumeTrue(NacosServers.findScript() != null,
        "no nacos-server script (shared/nacos-server/ beside the checkout, or MSE_NACOS_SERVER_SCRIPT)");
  }

  /**
   * Starts a server and waits until it serves (and, with {@code auth}, until its administrator can log in).
   *
   * @param version {@code 2.5.1} or {@code 3.0.3}
   * @param preferredPort the port to use when it and its companions are free
   * @param auth {@code user:password} of the administrator to create with auth on; null for auth off
   * @param settings server settings passed through {@code SPRING_APPLICATION_JSON}; may be empty
   */
  public static NacosServerProcess start(String version, int preferredPort, String auth, Map<String, String> settings) {
    assumeAvailable();
    int port = portSetFree(preferredPort) ? preferredPort : NacosServers.freeServerPort();
    try {
      NacosServerProcess server = new NacosServerProcess(NacosServers.findScript(), version, port, auth, settings);
      server.launch();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean portSetFree(int port) {
    return NacosServers.free(port) && NacosServers.free(port + 1000) && NacosServers.free(port + 1001)
        && NacosServers.free(port - 1000);
  }

  /** The server as the conformance tests see it: version, {@code 127.0.0.1:port}, credentials. */
  public NacosServerTarget target() {
    String user = auth == null ? null : auth.substring(0, auth.indexOf(':'));
    String password = auth == null ? null : auth.substring(auth.indexOf(':') + 1);
    return new NacosServerTarget(version, "127.0.0.1:" + port, user, password);
  }

  public int port() {
    return port;
  }

  /** Stops the server (it forgets everything: the next start begins with fresh data). */
  public void stop() {
    if (!running) {
      return;
    }
    Optional<ProcessHandle> process = process();
    if (frozen) {
      thaw();
    }
    process.ifPresent(p -> {
      p.destroy();
      try {
        p.onExit().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        p.destroyForcibly();
        p.onExit().join();
      }
    });
    running = false;
    synchronized (RUNNING) {
      RUNNING.remove(this);
    }
  }

  /** Starts the stopped server again, with fresh data and the same settings. */
  public void start() {
    launch();
  }

  /** Stops the server and starts it again with fresh data and {@code newSettings}. */
  public void restart(Map<String, String> newSettings) {
    stop();
    settings = Map.copyOf(newSettings);
    launch();
  }

  /** Freezes the server's process ({@code SIGSTOP}): its port still accepts connections, nothing answers. */
  public void freeze() {
    signal("STOP");
    frozen = true;
  }

  /** Lets a frozen server run on ({@code SIGCONT}). */
  public void thaw() {
    signal("CONT");
    frozen = false;
  }

  /** Thaws, stops and deletes the server's folder. Idempotent. */
  @Override
  public void close() {
    stop();
    try (Stream<Path> files = Files.walk(folder)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      System.err.println("[nacos-server-process] could not delete " + folder + ": " + e);
    }
  }

  @Override
  public String toString() {
    return target() + " (own process)";
  }

  private void launch() {
    String failure = "";
    for (int attempt = 1; attempt <= 3; attempt++) {
      try {
        if (startOnce()) {
          running = true;
          synchronized (RUNNING) {
            RUNNING.add(this);
          }
          return;
        }
        failure = Files.readString(folder.resolve("start.log"));
      } catch (IOException e) {
        failure = e.toString();
      }
      process().ifPresent(ProcessHandle::destroyForcibly);
      System.err.println("[nacos-server-process] start " + attempt + " of " + this + " failed; "
          + (attempt < 3 ? "trying again" : "giving up"));
    }
    throw new IllegalStateException("could not start " + this + ": "
        + (failure.length() > 2000 ? failure.substring(failure.length() - 2000) : failure));
  }

  private boolean startOnce() throws IOException {
    List<String> command = new ArrayList<>(List.of("bash", script.toString(), "start", "--version", version,
        "--port", Integer.toString(port), "--home", home().toString()));
    if (auth != null) {
      command.add("--auth");
      command.add(auth);
    }
    ProcessBuilder builder = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true)
        .redirectOutput(folder.resolve("start.log").toFile());
    Map<String, String> all = new LinkedHashMap<>(PATIENT_DATABASE);
    all.putAll(settings);
    builder.environment().put("SPRING_APPLICATION_JSON", json(all));
    Process process = builder.start();
    try {
      if (!process.waitFor(START_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return false;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IllegalStateException("interrupted while starting " + this, e);
    }
    return process.exitValue() == 0;
  }

  private Path home() {
    return folder.resolve("home");
  }

  private Optional<ProcessHandle> process() {
    try {
      return ProcessHandle.of(Long.parseLong(Files.readString(home().resolve("pid")).trim()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private void signal(String signal) {
    long pid = process().orElseThrow(() -> new IllegalStateException(this + " has no process")).pid();
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String json(Map<String, String> settings) {
    Map<String, String> ordered = new LinkedHashMap<>(settings);
    return ordered.entrySet().stream()
        .map(e -> quote(e.getKey()) + ":" + quote(e.getValue()))
        .collect(Collectors.joining(",", "{", "}"));
  }

  private static String quote(String text) {
    return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}

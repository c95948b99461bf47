package io.mse.client.testing.nacos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import java.util.concurrent.TimeUnit;

/**
 * The real Nacos servers of this test JVM, found once and shared by every conformance test class.
 *
 * <p>Where they come from, first match wins:
 * <ol>
 *   <li>{@code MSE_IT_NACOS=off}: none (the suites skip).</li>
 *   <li>{@code MSE_IT_NACOS_ADDR} (+ {@code MSE_IT_NACOS_USERNAME} / {@code MSE_IT_NACOS_PASSWORD},
 *       optional {@code MSE_IT_NACOS_VERSION}): that one server, e.g. a managed MSE instance.</li>
 *   <li>{@code MSE_IT_NACOS_SERVERS}: servers started by the build ({@code .ci/run}), as
 *       {@code version,host:port[,user,password]} entries separated by {@code ;}. Each is awaited
 *       until it serves requests (and, with auth, until its user can log in).</li>
 *   <li>The {@code nacos-server} script of {@code shared/nacos-server/} beside the project (found by
 *       walking up from the working directory, or named by {@code MSE_NACOS_SERVER_SCRIPT}): this JVM
 *       starts Nacos 2.5.1 without auth and 3.0.3 with auth on free loopback ports, in parallel, and
 *       stops them when the JVM ends.</li>
 *   <li>Otherwise none: every conformance class is skipped with the one reason {@link #absence()}.</li>
 * </ol>
 * Thread-safe; servers are resolved on first use.
 */
public final class NacosServers {

  static final String ADMIN = "nacos";
  /** Not the username, so that a test can tell the password from the user in what a client prints. */
  static final String ADMIN_PASSWORD = "mse-it-Secret-1";
  private static final long READY_TIMEOUT_MILLIS = 420_000;

  private static List<NacosServerTarget> targets;
  private static String absence;
  /** Why resolving failed, kept so that every later class fails at once instead of waiting again. */
  private static IllegalStateException failure;
  private static final List<Started> started = new ArrayList<>();

  private NacosServers() {}

  /** The servers to test against; empty when none can be had (see {@link #absence()}). */
  public static synchronized List<NacosServerTarget> targets() {
    if (failure != null) {
      throw new IllegalStateException("the Nacos servers of this build are not available (see the first failure)",
          failure);
    }
    if (targets == null) {
      try {
        targets = resolve();
      } catch (IllegalStateException e) {
        failure = e;
        throw e;
      }
      if (targets.isEmpty()) {
        System.err.println("[nacos-conformance] skipped: " + absence);
      } else {
        System.err.println("[nacos-conformance] servers: " + targets);
      }
    }
    return targets;
  }

  /** Why there is no server, when {@link #targets()} is empty. */
  public static synchronized String absence() {
    targets();
    return absence;
  }

  /** The first target matching the predicate, if any (e.g. an auth-enabled one for the quickstart). */
  public static Optional<NacosServerTarget> first(java.util.function.Predicate<NacosServerTarget> which) {
    return targets().stream().filter(which).findFirst();
  }

  private static List<NacosServerTarget> resolve() {
    if ("off".equalsIgnoreCase(env("MSE_IT_NACOS"))) {
      absence = "MSE_IT_NACOS=off";
      return List.of();
    }
    String addr = env("MSE_IT_NACOS_ADDR");
    if (addr != null) {
      String version = Optional.ofNullable(env("MSE_IT_NACOS_VERSION")).orElse("external");
      return List.of(new NacosServerTarget(version, addr, env("MSE_IT_NACOS_USERNAME"), env("MSE_IT_NACOS_PASSWORD")));
    }
    String listed = env("MSE_IT_NACOS_SERVERS");
    if (listed != null) {
      List<NacosServerTarget> list = new ArrayList<>();
      for (String entry : listed.split(";")) {
        if (entry.isBlank()) {
          continue;
        }
        String[] parts = entry.trim().split(",", 4);
        NacosServerTarget target = new NacosServerTarget(parts[0], parts[1], parts.length > 2 ? parts[2] : null,
            parts.length > 3 ? parts[3] : null);
        awaitReady(target, null);
        list.add(target);
      }
      return List.copyOf(list);
    }
    Path script = findScript();
    if (script == null) {
      absence = "no Nacos server: set MSE_IT_NACOS_ADDR (and MSE_IT_NACOS_USERNAME/PASSWORD), or run from a "
          + "checkout with shared/nacos-server/ beside it";
      return List.of();
    }
    return startOwn(script);
  }

  private static List<NacosServerTarget> startOwn(Path script) {
    // Stopped by NacosServersExtension when the test plan ends; the hook covers a JVM cut short.
    Runtime.getRuntime().addShutdownHook(new Thread(NacosServers::stopOwn, "nacos-servers-stop"));
    // One after the other: two servers starting at once on 2 cores can miss their embedded
    // database's login timeout.
    return List.of(startOne(script, "2.5.1", false), startOne(script, "3.0.3", true));
  }

  private static NacosServerTarget startOne(Path script, String version, boolean auth) {
    for (int attempt = 1; ; attempt++) {
      Started s = Started.launch(script, version, auth);
      synchronized (started) {
        started.add(s);
      }
      try {
        awaitReady(s.target, s);
        return s.target;
      } catch (IllegalStateException e) {
        if (attempt == 2) {
          throw e;
        }
        // A loaded machine can fail a start (an embedded database's login timeout): once more, elsewhere.
        System.err.println("[nacos-conformance] retrying a failed start: " + e.getMessage());
      }
    }
  }

  /**
   * Stops the servers this JVM started (idempotent): all at once, SIGTERM then, past 20 s, SIGKILL.
   */
  static void stopOwn() {
    List<Started> copy;
    synchronized (started) {
      copy = new ArrayList<>(started);
      started.clear();
    }
    List<ProcessHandle> servers = new ArrayList<>();
    for (Started s : copy) {
      s.serverProcess().ifPresent(servers::add);
      s.process.destroy();
    }
    servers.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    for (ProcessHandle server : servers) {
      try {
        server.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (Exception e) {
        server.destroyForcibly();
      }
    }
    copy.forEach(Started::deleteFiles);
  }

  private static void awaitReady(NacosServerTarget target, Started launched) {
    String statusDir = env("MSE_IT_NACOS_STATUS_DIR");
    try {
      // a start that failed throws out of the condition at once (Awaitility rethrows it)
      Awaitility.await(target.toString()).atMost(Duration.ofMillis(READY_TIMEOUT_MILLIS))
          .pollInterval(Duration.ofMillis(500)).until(() -> {
            if (launched != null && launched.failed()) {
              throw new IllegalStateException("could not start " + target + ": " + launched.output());
            }
            if (launched == null && statusDir != null
                && Files.exists(Path.of(statusDir, "failed-" + target.version()))) {
              throw new IllegalStateException("the build could not start " + target + " (see its log in "
                  + statusDir + ")");
            }
            return ready(target);
          });
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException(target + " did not become ready within " + READY_TIMEOUT_MILLIS / 1000 + " s"
          + (launched == null ? "" : ": " + launched.output()), e);
    }
  }

  private static boolean ready(NacosServerTarget target) {
    try {
      if (target.auth()) {
        String body = "username=" + URLEncoder.encode(target.username(), StandardCharsets.UTF_8) + "&password="
            + URLEncoder.encode(target.password(), StandardCharsets.UTF_8);
        return http("POST", target.baseUrl() + "/v1/auth/login", body) == 200;
      }
      int code = http("GET", target.baseUrl() + "/v1/cs/configs?dataId=readiness.probe&group=DEFAULT_GROUP", null);
      return code == 200 || code == 404 || code == 403;
    } catch (IOException e) {
      return false;
    }
  }

  static int http(String method, String url, String form) throws IOException {
    HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
    connection.setConnectTimeout(2000);
    connection.setReadTimeout(3000);
    connection.setRequestMethod(method);
    if (form != null) {
      connection.setDoOutput(true);
      connection.setRequestProperty("Content-Type", "application/x-www-form-urlencoded");
      connection.getOutputStream().write(form.getBytes(StandardCharsets.UTF_8));
    }
    try {
      return connection.getResponseCode();
    } finally {
      connection.disconnect();
    }
  }

  /** The {@code nacos-server} script beside the project (or named by {@code MSE_NACOS_SERVER_SCRIPT}), or null. */
  static Path findScript() {
    String named = env("MSE_NACOS_SERVER_SCRIPT");
    if (named != null) {
      Path p = Path.of(named);
      return Files.isExecutable(p) ? p : null;
    }
    Path dir = Path.of("").toAbsolutePath();
    for (int i = 0; i < 6 && dir != null; i++, dir = dir.getParent()) {
      Path candidate = dir.resolve("shared/nacos-server/nacos-server");
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
      candidate = dir.resolveSibling("shared").resolve("nacos-server/nacos-server");
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  static String env(String name) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? null : value.trim();
  }

  /**
   * A free loopback port P for a server that also takes P+1000, P+1001 (gRPC) and P-1000 (raft).
   */
  static int freeServerPort() {
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(21000, 31000);
      if (free(port) && free(port + 1000) && free(port + 1001) && free(port - 1000)) {
        return port;
      }
    }
    throw new IllegalStateException("no free loopback port set for a Nacos server");
  }

  static boolean free(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A server this JVM launched through the script. */
  private static final class Started {
    final Path script;
    final int port;
    final Path home;
    final Process process;
    final Path log;
    final NacosServerTarget target;

    private Started(Path script, int port, Path home, Process process, Path log, NacosServerTarget target) {
      this.script = script;
      this.port = port;
      this.home = home;
      this.process = process;
      this.log = log;
      this.target = target;
    }

    static Started launch(Path script, String version, boolean auth) {
      try {
        int port = freeServerPort();
        // The script wipes the home at start, so the server runs from the folder around it, where its
        // derby.log and logs/ land too.
        Path folder = Files.createTempDirectory("mse-it-nacos-" + port + "-");
        Path home = folder.resolve("home");
        Path log = folder.resolve("start.log");
        List<String> command = new ArrayList<>(List.of("bash", script.toString(), "start", "--version", version,
            "--port", Integer.toString(port), "--home", home.toString()));
        if (auth) {
          command.add("--auth");
          command.add(ADMIN + ":" + ADMIN_PASSWORD);
        }
        ProcessBuilder builder = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true)
            .redirectOutput(log.toFile());
        // the embedded database's 3 s login timeout fails starts on a loaded host (see NacosServerProcess)
        builder.environment().put("SPRING_APPLICATION_JSON", "{\"db.pool.config.connectionTimeout\":\""
            + NacosServerProcess.PATIENT_DATABASE.get("db.pool.config.connectionTimeout") + "\"}");
        Process process = builder.start();
        NacosServerTarget target = new NacosServerTarget(version, "127.0.0.1:" + port, auth ? ADMIN : null,
            auth ? ADMIN_PASSWORD : null);
        return new Started(script, port, home, process, log, target);
      } catch (IOException e) {
        throw new UncheckedIOException("could not launch Nacos " + version, e);
      }
    }

    boolean failed() {
      return !process.isAlive() && process.exitValue() != 0;
    }

    String output() {
      try {
        String text = Files.readString(log);
        return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
      } catch (IOException e) {
        return "(no output: " + e + ")";
      }
    }

    /** Deletes the server's folder: its home, start log and logs (after it stopped). */
    void deleteFiles() {
      try (java.util.stream.Stream<Path> files = Files.walk(home.getParent())) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      } catch (IOException e) {
        System.err.println("[nacos-conformance] could not delete " + home + ": " + e);
      }
    }

    /** The server's JVM, from the pid file the script keeps in its home. */
    Optional<ProcessHandle> serverProcess() {
      try {
        return ProcessHandle.of(Long.parseLong(Files.readString(home.resolve("pid")).trim()));
      } catch (IOException | NumberFormatException e) {
        return Optional.empty();
      }
    }
  }
}

package io.mse.client.testing.nacos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real three-node Nacos cluster (embedded storage, Raft) that one test class starts for itself with
 * the script's {@code start-cluster}, on ports of its own, with every node's home in a temporary folder
 * (the script puts homes under {@code $TMPDIR}); a node can be stopped, as a crash would. Skipped like
 * {@link NacosServerProcess}; every node still running at the end is stopped by {@link #close()} or,
 * failing that, by a shutdown hook. Not thread-safe.
 */
public final class NacosClusterProcess implements AutoCloseable {

  private static final long HUNG_AFTER_SECONDS = 60;
  /** Below the script's own 180 s, after which it stops the node it waits for. */
  private static final long NONE_READY_SECONDS = 150;
  private static final int MAX_RESTARTS = 2;

  private final List<Integer> ports;
  private final Path folder;
  private boolean closed;

  private NacosClusterProcess(List<Integer> ports, Path folder) {
    this.ports = List.copyOf(ports);
    this.folder = folder;
  }

  /**
   * Starts the cluster and waits until every node answers.
   *
   * @param version {@code 2.5.1} or {@code 3.0.3}
   * @param preferredPorts three ports to use when they and their companions are free (else free ones)
   * @throws IllegalStateException when a node exited or hung again after two restarts (see
   *     {@link #awaitNodes}), or the script could not start it
   */
  public static NacosClusterProcess start(String version, int... preferredPorts) {
    NacosServerProcess.assumeAvailable();
    List<Integer> ports = new ArrayList<>();
    for (int preferred : preferredPorts) {
      boolean free = NacosServers.free(preferred) && NacosServers.free(preferred + 1000)
          && NacosServers.free(preferred + 1001) && NacosServers.free(preferred - 1000);
      ports.add(free ? preferred : NacosServers.freeServerPort());
    }
    try {
      NacosClusterProcess cluster = new NacosClusterProcess(ports, Files.createTempDirectory("mse-rel-cluster-"));
      Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "nacos-cluster-stop"));
      cluster.launch(version);
      return cluster;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void launch(String version) throws IOException {
    String list = ports.stream().map(String::valueOf).collect(Collectors.joining(","));
    ProcessBuilder builder = new ProcessBuilder("bash", NacosServers.findScript().toString(), "start-cluster",
        "--ports", list, "--version", version).directory(folder.toFile()).redirectErrorStream(true)
        .redirectOutput(folder.resolve("start.log").toFile());
    environment(builder);
    Process script = builder.start();
    try {
      awaitNodes(script);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      script.destroy();
      close();
      throw new IllegalStateException(e);
    } catch (RuntimeException | IOException e) {
      script.destroy();
      Path kept = keepLogs();
      close();
      throw new IllegalStateException("could not start a Nacos " + version + " cluster on " + list
          + " (the nodes' logs are kept in " + kept + "): " + e.getMessage(), e);
    }
  }

  /**
   * A patient database (see NacosServerProcess); Raft keeps its default timeouts (with 15 s elections
   * two of three nodes never finished starting where the defaults came up in 45 s on the same host).
   */
  private void environment(ProcessBuilder builder) {
    builder.environment().put("TMPDIR", folder.toString());
    builder.environment().put("SPRING_APPLICATION_JSON", "{\"db.pool.config.connectionTimeout\":\""
        + NacosServerProcess.PATIENT_DATABASE.get("db.pool.config.connectionTimeout") + "\"}");
  }

  /**
   * Waits until every node answers, restarting a node that hung or exited while starting. Nacos nodes
   * of a new embedded-storage cluster do both here, on about half of all starts and at any load: a
   * 2.5.1 node hangs for ever when its config dump's first read fails while the Raft leader is still
   * new (the failure's logging aspect then waits for the Spring context that the waiting start-up
   * holds; alibaba/nacos#12526), a 3.0.3 node exits when its start-up migration check runs before the
   * leader can answer. Restarted with the same command line, folder and data, such a node joins the
   * running leader and starts in seconds. A node counts as hung when it has not answered
   * {@link #HUNG_AFTER_SECONDS} after another node did (or {@link #NONE_READY_SECONDS} after the start
   * when none did).
   */
  private void awaitNodes(Process script) throws IOException, InterruptedException {
    long since = System.nanoTime();
    boolean anyReady = false;
    int[] restarts = new int[ports.size()];
    List<List<String>> commandLines = new ArrayList<>(java.util.Collections.nCopies(ports.size(), null));
    while (true) {
      List<Integer> waiting = new ArrayList<>();
      List<Integer> exited = new ArrayList<>();
      for (int i = 0; i < ports.size(); i++) {
        Optional<ProcessHandle> process = node(i);
        if (process.isPresent() && commandLines.get(i) == null) {
          commandLines.set(i, nodeCommandLine(process.get(), ports.get(i)));
        }
        if (!answers(ports.get(i))) {
          waiting.add(i);
          // seen running, now gone: exited (or stopped by the script, which also removes its pid file)
          if (commandLines.get(i) != null && process.isEmpty() && exitedForSure(i)) {
            exited.add(i);
          }
        }
      }
      if (waiting.isEmpty()) {
        if (script.isAlive() && !script.waitFor(30, TimeUnit.SECONDS)) {
          script.destroy();
        }
        return;
      }
      long now = System.nanoTime();
      if (!anyReady && waiting.size() < ports.size()) {
        anyReady = true;
        since = now;
      }
      boolean hung = now - since > TimeUnit.SECONDS.toNanos(anyReady ? HUNG_AFTER_SECONDS : NONE_READY_SECONDS);
      List<Integer> restart = hung ? waiting : exited;
      if (!restart.isEmpty()) {
        if (script.isAlive()) {
          script.destroy(); // only the script: the nodes it started run on
          script.waitFor(10, TimeUnit.SECONDS);
        }
        for (int node : restart) {
          if (++restarts[node] > MAX_RESTARTS) {
            throw new IllegalStateException("node 127.0.0.1:" + ports.get(node) + " did not start after "
                + MAX_RESTARTS + " restarts; its console said: " + tail(consoleLog(node)));
          }
          restart(node, commandLines.get(node), exited.contains(node) ? "exited" : "hung");
        }
        since = System.nanoTime();
      }
      Thread.sleep(1000);
    }
  }

  /** Restarts one node from its own command line, keeping its home (data, Raft log) and console log. */
  private synchronized void restart(int node, List<String> command, String why) throws IOException {
    if (closed) {
      throw new IllegalStateException("closed while starting");
    }
    if (command == null) {
      throw new IllegalStateException("node 127.0.0.1:" + ports.get(node) + " was never seen running (its command"
          + " line unknown); the script said: " + tail(folder.resolve("start.log")) + "; its console said: "
          + tail(consoleLog(node)));
    }
    node(node).ifPresent(process -> {
      process.destroyForcibly();
      process.onExit().join();
    });
    Path home = pidFile(node).getParent();
    System.err.println("[nacos-cluster] node 127.0.0.1:" + ports.get(node) + " " + why + " while starting; restarting it");
    ProcessBuilder builder = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("console.log").toFile()));
    environment(builder);
    Process restarted = builder.start();
    restarted.getOutputStream().close();
    Files.writeString(home.resolve("pid"), Long.toString(restarted.pid()));
  }

  /**
   * The node's java command line, or null while the script's child is not java yet (the script writes
   * the pid right after forking, before the child runs {@code nohup java}).
   */
  private static List<String> nodeCommandLine(ProcessHandle process, int port) throws IOException {
    List<String> command = commandLine(process);
    boolean java = !command.isEmpty() && (command.get(0).equals("java") || command.get(0).endsWith("/java"));
    return java && command.contains("-Dserver.port=" + port) ? command : null;
  }

  private Path consoleLog(int node) {
    return pidFile(node).resolveSibling("console.log");
  }

  private static List<String> commandLine(ProcessHandle process) throws IOException {
    Path cmdline = Path.of("/proc", Long.toString(process.pid()), "cmdline");
    if (Files.isReadable(cmdline)) {
      String raw = Files.readString(cmdline);
      return List.of(raw.substring(0, raw.length() - 1).split("\0", -1));
    }
    ProcessHandle.Info info = process.info();
    List<String> command = new ArrayList<>();
    command.add(info.command().orElseThrow(() -> new IllegalStateException("no command line for " + process)));
    command.addAll(List.of(info.arguments().orElse(new String[0])));
    return command;
  }

  private static boolean answers(int port) {
    try {
      int code = NacosServers.http("GET", "http://127.0.0.1:" + port
          + "/nacos/v1/cs/configs?dataId=readiness.probe&group=DEFAULT_GROUP", null);
      return code == 200 || code == 404 || code == 403;
    } catch (IOException e) {
      return false;
    }
  }

  private static String tail(Path log) {
    try {
      String text = Files.readString(log);
      return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Copies the nodes' logs out of the folder that {@link #close()} removes; returns where, or null. */
  private Path keepLogs() {
    try {
      Path target = Files.createTempDirectory("mse-nacos-cluster-logs-");
      try (var files = Files.walk(folder)) {
        for (Path file : (Iterable<Path>) files::iterator) {
          String name = file.getFileName().toString();
          if (Files.isRegularFile(file) && (name.endsWith(".log") || name.equals("start.log"))) {
            Path copy = target.resolve(folder.relativize(file).toString().replace('/', '_'));
            Files.copy(file, copy);
          }
        }
      }
      return target;
    } catch (IOException e) {
      return null;
    }
  }

  /** The nodes' addresses, {@code 127.0.0.1:port}, in start order. */
  public List<String> addresses() {
    return ports.stream().map(p -> "127.0.0.1:" + p).toList();
  }

  public List<Integer> ports() {
    return ports;
  }

  /** Kills one node (SIGKILL: no shutdown, no goodbye to its peers), as a crash of its host would. */
  public void stop(int node) {
    node(node).ifPresent(process -> {
      process.destroyForcibly();
      process.onExit().join();
    });
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (int i = 0; i < ports.size(); i++) {
      stop(i);
    }
    try (Stream<Path> files = Files.walk(folder)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      System.err.println("[nacos-cluster] could not delete " + folder + ": " + e);
    }
  }

  /** Looks again after a moment: the script may have been writing the pid file the first time. */
  private boolean exitedForSure(int node) throws InterruptedException {
    Thread.sleep(500);
    return node(node).isEmpty();
  }

  private Path pidFile(int index) {
    return folder.resolve("mse-nacos-" + ports.get(index)).resolve("pid");
  }

  private Optional<ProcessHandle> node(int index) {
    try {
      return ProcessHandle.of(Long.parseLong(Files.readString(pidFile(index)).trim())).filter(ProcessHandle::isAlive);
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }
}

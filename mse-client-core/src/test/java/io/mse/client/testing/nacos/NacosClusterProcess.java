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
   * @throws IllegalStateException when the cluster could not start within the script's time
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
    builder.environment().put("TMPDIR", folder.toString());
    // A patient database (see NacosServerProcess) and patient Raft elections: three nodes starting at
    // once on a loaded 2-core host miss the default 5 s election timeout, and a node whose embedded
    // storage has no Raft leader never finishes starting.
    builder.environment().put("SPRING_APPLICATION_JSON", "{\"db.pool.config.connectionTimeout\":\""
        + NacosServerProcess.PATIENT_DATABASE.get("db.pool.config.connectionTimeout") + "\","
        + "\"nacos.core.protocol.raft.data.election_timeout_ms\":\"15000\","
        + "\"nacos.core.protocol.raft.data.rpc_request_timeout_ms\":\"15000\"}");
    Process process = builder.start();
    try {
      if (!process.waitFor(15, TimeUnit.MINUTES) || process.exitValue() != 0) {
        process.destroyForcibly();
        String log = Files.readString(folder.resolve("start.log"));
        Path kept = keepLogs();
        close();
        throw new IllegalStateException("could not start a Nacos " + version + " cluster on " + list
            + " (the nodes' logs are kept in " + kept + "): "
            + (log.length() > 2000 ? log.substring(log.length() - 2000) : log));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new IllegalStateException(e);
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

  /** Stops one node at once (SIGKILL after 10 s of SIGTERM), as a crash of its host would. */
  public void stop(int node) {
    node(node).ifPresent(process -> {
      process.destroy();
      try {
        process.onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        process.destroyForcibly();
        process.onExit().join();
      }
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

  private Optional<ProcessHandle> node(int index) {
    try {
      Path pid = folder.resolve("mse-nacos-" + ports.get(index)).resolve("pid");
      return ProcessHandle.of(Long.parseLong(Files.readString(pid).trim()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }
}

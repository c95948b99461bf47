package io.mse.client.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mse.client.MseClient;
import io.mse.client.config.ConfigChangeEvent;
import io.mse.client.naming.Instance;
import io.mse.client.naming.NamingEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A three-node ZooKeeper ensemble (three embedded quorum peers on loopback) loses its leader: reads
 * stay answered from memory, no subscriber sees an instance disappear or an empty list, the session
 * (and with it the ephemeral instance) survives the move to another node, and once a new leader is
 * elected a publish goes through and reaches the listener.
 */
@Timeout(180)
class ZooKeeperEnsembleIT {

  @TempDir
  Path dir;

  private final List<ZooKeeperServerEmbedded> peers = new ArrayList<>();
  private final List<Integer> clientPorts = new ArrayList<>();

  @AfterEach
  void stopPeers() {
    for (ZooKeeperServerEmbedded peer : peers) {
      try {
        peer.close();
      } catch (RuntimeException e) {
        // closed already (the leader the test stopped)
      }
    }
  }

  @Test
  void losingTheLeaderKeepsReadsSessionsAndInstancesAndWritesResumeAfterTheElection() throws Exception {
    startEnsemble();
    String address = "zookeeper://" + clientPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    List<ConfigChangeEvent> events = new CopyOnWriteArrayList<>();
    List<NamingEvent> naming = new CopyOnWriteArrayList<>();
    try (MseClient writer = client(address, "writer"); MseClient observer = client(address, "observer")) {
      writer.config().publishConfig("ensemble.properties", "G", "v=1");
      writer.naming().registerInstance("ensemble-svc", "G", Instance.of("10.3.0.1", 80));
      assertThat(observer.config().getConfigAndAddListener("ensemble.properties", "G", Duration.ofSeconds(5),
          events::add)).isEqualTo("v=1");
      observer.naming().subscribe("ensemble-svc", "G", naming::add);
      await().atMost(Duration.ofSeconds(20)).until(() -> observer.naming().getAllInstances("ensemble-svc", "G").size() == 1);

      int leader = leader();
      long lost = System.nanoTime();
      peers.get(leader).close();

      // reads are answered from memory through the election
      for (int i = 0; i < 1000; i++) {
        assertThat(observer.config().getConfig("ensemble.properties", "G")).isEqualTo("v=1");
        assertThat(observer.naming().getAllInstances("ensemble-svc", "G")).hasSize(1);
      }
      // a publish goes through once a new leader is elected
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(
          () -> writer.config().publishConfig("ensemble.properties", "G", "v=2"));
      long writable = System.nanoTime();
      await().atMost(Duration.ofSeconds(30)).until(() -> events.stream().anyMatch(e -> "v=2".equals(e.content())));
      System.err.println("[ensemble] leader " + (leader + 1) + " of 3 stopped; writes went through again after "
          + Duration.ofNanos(writable - lost).toMillis() + " ms");

      assertThat(events).extracting(ConfigChangeEvent::content).containsExactly("v=2");
      // the writer's session survived the move: its ephemeral instance was never removed
      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(
          () -> observer.naming().getAllInstances("ensemble-svc", "G").size() == 1);
      assertThat(naming).allSatisfy(event -> {
        assertThat(event.instances()).hasSize(1);
        assertThat(event.removed()).isEmpty();
      });
      assertThat(leader()).as("a new leader among the other two").isNotEqualTo(leader);
    }
  }

  private MseClient client(String address, String name) {
    return MseClient.builder().serverAddr(address).snapshotDir(dir.resolve("snapshots-" + name))
        .requestTimeout(Duration.ofSeconds(5)).property(ZooKeeperEngineProvider.SESSION_TIMEOUT_PROPERTY, "20000")
        .build();
  }

  /** Starts three quorum peers on free loopback ports and waits until each serves. */
  private void startEnsemble() throws Exception {
    int[] ports = freePorts(9);
    StringBuilder servers = new StringBuilder();
    for (int i = 0; i < 3; i++) {
      clientPorts.add(ports[3 * i]);
    }
    ExecutorService starters = Executors.newFixedThreadPool(3);
    List<Future<?>> started = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Path data = Files.createDirectories(dir.resolve("zk-" + (i + 1)).resolve("data"));
      Files.writeString(data.resolve("myid"), Integer.toString(i + 1));
      Properties properties = new Properties();
      properties.setProperty("clientPort", Integer.toString(ports[3 * i]));
      properties.setProperty("clientPortAddress", "127.0.0.1");
      properties.setProperty("dataDir", data.toString());
      properties.setProperty("tickTime", "500");
      properties.setProperty("initLimit", "20");
      properties.setProperty("syncLimit", "10");
      properties.setProperty("admin.enableServer", "false");
      properties.setProperty("4lw.commands.whitelist", "srvr");
      for (int j = 0; j < 3; j++) {
        properties.setProperty("server." + (j + 1), "127.0.0.1:" + ports[3 * j + 1] + ":" + ports[3 * j + 2]);
      }
      ZooKeeperServerEmbedded peer = ZooKeeperServerEmbedded.builder().baseDir(dir.resolve("zk-" + (i + 1)))
          .configuration(properties).exitHandler(ExitHandler.LOG_ONLY).build();
      peers.add(peer);
      started.add(starters.submit(() -> {
        peer.start(60_000);
        return null;
      }));
    }
    for (Future<?> start : started) {
      start.get();
    }
    starters.shutdown();
    await().atMost(Duration.ofSeconds(60)).until(() -> leaderOrMinusOne() >= 0);
  }

  private int leader() {
    int leader = leaderOrMinusOne();
    if (leader < 0) {
      throw new IllegalStateException("no leader");
    }
    return leader;
  }

  /** Asks each running peer its mode ({@code srvr}); the index of the leader, or -1. */
  private int leaderOrMinusOne() {
    for (int i = 0; i < clientPorts.size(); i++) {
      if (mode(clientPorts.get(i)).equals("leader")) {
        return i;
      }
    }
    return -1;
  }

  private static String mode(int port) {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(2000);
      OutputStream out = socket.getOutputStream();
      out.write("srvr".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return answer.lines().filter(l -> l.startsWith("Mode: ")).map(l -> l.substring(6).strip()).findFirst().orElse("");
    } catch (IOException e) {
      return "";
    }
  }

  private static int[] freePorts(int count) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
      }
      return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
    } finally {
      for (ServerSocket socket : sockets) {
        socket.close();
      }
    }
  }
}

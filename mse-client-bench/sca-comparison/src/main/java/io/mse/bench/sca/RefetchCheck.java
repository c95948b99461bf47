package io.mse.bench.sca;

import io.mse.client.MseClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Check (e): an application of one stack, importing one refreshable config, idle for a while (10 s by
 * default) after its start; a {@link CountingProxy} in front of the server's HTTP port and its gRPC port (+1000) counts
 * the config reads and listen requests it sends meanwhile: HTTP {@code GET} of a config (mse-client's
 * engine, both server lines) and gRPC {@code ConfigQueryRequest} / {@code ConfigBatchListenRequest}
 * (nacos-client 2.x/3.x).
 */
final class RefetchCheck {

  static final List<String> MARKERS = List.of("GET /nacos/v1/cs/configs?", "GET /nacos/v3/client/cs/config?",
      "ConfigQueryRequest", "POST /nacos/v1/cs/configs/listener", "ConfigBatchListenRequest");

  private final Path logDir;
  private final String run;
  final long idleMillis;

  RefetchCheck(Path logDir, String run, long idleMillis) {
    this.logDir = logDir;
    this.run = run;
    this.idleMillis = idleMillis;
  }

  /** Marker -> count over the idle time. */
  Map<String, Long> measure(Stack stack, NacosServer server, MseClient publisher) throws Exception {
    String dataId = "cmp-" + run + "-idle-" + stack.name().toLowerCase() + "-" + server.port() + ".properties";
    publisher.config().publishConfig(dataId, "CMP", "cmp.value=idle\n", "properties");
    ScaComparison.await("config " + dataId + " served", () -> publisher.config().getConfig(dataId, "CMP") != null);
    int port = freePortPair();
    try (CountingProxy http = new CountingProxy(port, server.port(), MARKERS);
        CountingProxy grpc = new CountingProxy(port + 1000, server.port() + 1000, MARKERS)) {
      List<String> args = new ArrayList<>(stack.serverArguments(server.through(port)));
      args.add("--spring.application.name=cmp-idle-" + run + "-" + stack.name().toLowerCase());
      args.add(stack.importOf(dataId, "CMP"));
      args.addAll(stack.ipOverrides("127.0.0.1"));
      try (ForkedApp app = ForkedApp.start(stack, stack.name().toLowerCase() + "-idle-" + server.port(), logDir, args)) {
        app.awaitReady();
        Thread.sleep(2000); // past the start-up reads
        http.reset();
        grpc.reset();
        Thread.sleep(idleMillis);
        Map<String, Long> counts = http.counts();
        grpc.counts().forEach((k, v) -> counts.merge(k, v, Long::sum));
        return counts;
      }
    } finally {
      publisher.config().removeConfig(dataId, "CMP");
    }
  }

  /** A free loopback port p with p + 1000 free too (nacos-client's gRPC port offset). */
  private static int freePortPair() throws Exception {
    for (int attempt = 0; attempt < 50; attempt++) {
      int p = 40000 + (int) (Math.random() * 10000);
      try (java.net.ServerSocket a = new java.net.ServerSocket(p, 1, java.net.InetAddress.getLoopbackAddress());
          java.net.ServerSocket b = new java.net.ServerSocket(p + 1000, 1, java.net.InetAddress.getLoopbackAddress())) {
        return p;
      } catch (java.io.IOException busy) {
        // try another
      }
    }
    throw new IllegalStateException("no free port pair found");
  }
}

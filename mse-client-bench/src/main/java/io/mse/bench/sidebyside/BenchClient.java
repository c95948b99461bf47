package io.mse.bench.sidebyside;

import java.util.List;
import java.util.function.Consumer;

/**
 * The few operations the side-by-side harnesses need, over our client ({@link OursClient}) or
 * nacos-client 2.5.1 ({@link NacosSdkClient}), so that both run the same measurement code.
 *
 * <p>Not thread-safe to build; the operations are as thread-safe as the client under them.
 * Listener callbacks run on the client's own notification thread.
 */
public interface BenchClient extends AutoCloseable {

  /** {@code "ours"} or {@code "theirs"}. */
  String name();

  /** Reads a config from the server; {@code null} when it does not exist. */
  String getConfig(String dataId, String group) throws Exception;

  /** Listens to a config; {@code onContent} gets each delivered content (may be {@code null} on removal). */
  void listen(String dataId, String group, Consumer<String> onContent) throws Exception;

  /** Subscribes to a service; {@code onPorts} gets the ports of each delivered instance list. */
  void subscribe(String service, String group, Consumer<List<Integer>> onPorts) throws Exception;

  /** The instances of a subscribed service as the client's cache holds them. */
  int cachedInstanceCount(String service, String group) throws Exception;

  /** Registers one ephemeral instance (so that a client runs its naming half fully). */
  void register(String service, String group, String ip, int port) throws Exception;

  @Override
  void close();

  /**
   * Nanoseconds from creating a client (ours: {@code MseClient.builder()...build()}; theirs:
   * {@code NacosFactory.createConfigService}, the config half alone) to the return of its first
   * {@code getConfig}; the client is closed afterwards, outside the time.
   *
   * @throws IllegalStateException when the config does not exist
   */
  static long firstReadNanos(String which, String addr, String auth, String dataId, String group) throws Exception {
    long start = System.nanoTime();
    String value;
    long took;
    if (which.equals("theirs")) {
      com.alibaba.nacos.api.config.ConfigService service = com.alibaba.nacos.api.NacosFactory.createConfigService(
          NacosSdkClient.properties(addr, auth));
      value = service.getConfig(dataId, group, 5000);
      took = System.nanoTime() - start;
      service.shutDown();
    } else {
      try (BenchClient client = create(which, addr, auth)) {
        value = client.getConfig(dataId, group);
        took = System.nanoTime() - start;
      }
    }
    if (value == null) {
      throw new IllegalStateException("the first read of " + dataId + " found nothing");
    }
    return took;
  }

  /**
   * Makes a client.
   *
   * @param which {@code "ours"} or {@code "theirs"}
   * @param addr {@code host:port} of the server's HTTP port
   * @param auth {@code user:pass}, or {@code null} without authentication
   * @throws IllegalArgumentException when {@code which} is neither
   */
  static BenchClient create(String which, String addr, String auth) throws Exception {
    return switch (which) {
      case "ours" -> new OursClient(addr, auth);
      case "theirs" -> new NacosSdkClient(addr, auth);
      default -> throw new IllegalArgumentException("client must be 'ours' or 'theirs', was '" + which + "'");
    };
  }
}

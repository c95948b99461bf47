package io.mse.client.spi;

import io.mse.client.MseClientConfig;
import io.mse.client.spi.NamedThreadFactory;
import java.util.concurrent.ThreadFactory;

/**
 * What a client hands an engine at creation: its settings and the sinks to report facts to.
 * Immutable and thread-safe.
 */
public final class EngineContext {

  private final MseClientConfig config;
  private final String clientId;
  private final ConfigEventSink configSink;
  private final NamingEventSink namingSink;
  private final StatsRecorder stats;

  /**
   * A context whose counts go to a recorder of its own (tests, tools).
   *
   * @param config the client's settings
   * @param clientId a short id of the client, used in thread names ({@code mse-<clientId>-...})
   * @param configSink where to report config contents of watched keys
   * @param namingSink where to report instance lists of followed services
   */
  public EngineContext(MseClientConfig config, String clientId, ConfigEventSink configSink,
      NamingEventSink namingSink) {
    this(config, clientId, configSink, namingSink, new StatsRecorder());
  }

  /**
   * @param config the client's settings
   * @param clientId a short id of the client, used in thread names ({@code mse-<clientId>-...})
   * @param configSink where to report config contents of watched keys
   * @param namingSink where to report instance lists of followed services
   * @param stats where the engine counts its protocol's events (long polls, pushes, failovers,
   *     logins, requests), read as the client's {@link io.mse.client.ClientStats}
   */
  public EngineContext(MseClientConfig config, String clientId, ConfigEventSink configSink,
      NamingEventSink namingSink, StatsRecorder stats) {
    this.config = config;
    this.clientId = clientId;
    this.configSink = configSink;
    this.namingSink = namingSink;
    this.stats = java.util.Objects.requireNonNull(stats, "stats");
  }

  public MseClientConfig config() {
    return config;
  }

  public String clientId() {
    return clientId;
  }

  public ConfigEventSink configSink() {
    return configSink;
  }

  public NamingEventSink namingSink() {
    return namingSink;
  }

  /** Returns where the engine counts its protocol's events; the client's. */
  public StatsRecorder stats() {
    return stats;
  }

  /** Returns a factory of daemon threads named {@code mse-<clientId>-<purpose>-<n>}. */
  public ThreadFactory threadFactory(String purpose) {
    return new NamedThreadFactory("mse-" + clientId + "-" + purpose);
  }
}

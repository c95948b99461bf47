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

  /**
   * @param config the client's settings
   * @param clientId a short id of the client, used in thread names ({@code mse-<clientId>-...})
   * @param configSink where to report config contents of watched keys
   * @param namingSink where to report instance lists of followed services
   */
  public EngineContext(MseClientConfig config, String clientId, ConfigEventSink configSink,
      NamingEventSink namingSink) {
    this.config = config;
    this.clientId = clientId;
    this.configSink = configSink;
    this.namingSink = namingSink;
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

  /** Returns a factory of daemon threads named {@code mse-<clientId>-<purpose>-<n>}. */
  public ThreadFactory threadFactory(String purpose) {
    return new NamedThreadFactory("mse-" + clientId + "-" + purpose);
  }
}

package io.mse.client.nacos.internal;

import io.mse.client.MseClientConfig;
import io.mse.client.ServerStatus;
import io.mse.client.ServerUnavailableException;
import io.mse.client.spi.ConfigEngine;
import io.mse.client.spi.Engine;
import io.mse.client.spi.EngineContext;
import io.mse.client.spi.NamingEngine;
import io.mse.client.spi.StatsRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Nacos engine: one transport (with the login of the client's credentials, if any) shared by the
 * config and naming halves.
 *
 * <p>At start it logs in (wrong credentials, or an unknown user, fail the start with an
 * {@link io.mse.client.AuthenticationException} on 2.x and 3.x servers alike; credentials given to a
 * server that demands no login are left unused) and checks that the namespace is an id, not a
 * display name ({@link NamespaceCheck}); a server that cannot be reached at start does not fail it,
 * both are then done on first use. Either asks the server its line (2.x or 3.x, {@link NacosServerLine})
 * first, once per engine. Thread-safe.
 */
public final class NacosEngine implements Engine {

  private static final Logger LOG = LoggerFactory.getLogger(NacosEngine.class);

  private final NacosTransport transport;
  private final NacosConfigEngine config;
  private final NacosNamingEngine naming;

  public NacosEngine(EngineContext context) {
    MseClientConfig settings = context.config();
    this.transport = transport(settings, context.stats());
    NacosConfigEngine configEngine = null;
    try {
      NamespaceCheck namespaceCheck = new NamespaceCheck(settings.namespace(), transport, settings.requestTimeout());
      start(transport, namespaceCheck);
      configEngine = new NacosConfigEngine(context, transport, namespaceCheck);
      this.naming = new NacosNamingEngine(context, transport);
    } catch (RuntimeException e) {
      if (configEngine != null) {
        configEngine.close();
      }
      transport.close();
      throw e;
    }
    this.config = configEngine;
  }

  /**
   * Makes the transport of a client's settings: address (with the {@code nacos.contextPath}
   * property), HTTP client (with the {@code nacos.tls.*} trust store) and, when the settings hold
   * credentials, the login.
   *
   * @throws IllegalArgumentException when the address or a property is malformed
   */
  public static NacosTransport transport(MseClientConfig settings) {
    return transport(settings, new StatsRecorder());
  }

  /** As {@link #transport(MseClientConfig)}, counting requests, failovers and logins into {@code stats}. */
  public static NacosTransport transport(MseClientConfig settings, StatsRecorder stats) {
    NacosAddress address = NacosAddress.parse(settings.serverAddr(), settings.property("nacos.contextPath", null));
    NacosTransport transport = new NacosTransport(address, NacosHttpClients.client(settings, address), settings.ticker());
    transport.stats(stats);
    if (settings.username() != null) {
      transport.authenticator(new NacosAuth(settings.username(), settings.password(), transport, settings.ticker(),
          settings.requestTimeout()));
    }
    return transport;
  }

  private static void start(NacosTransport transport, NamespaceCheck namespaceCheck) {
    try {
      if (transport.authenticator() instanceof NacosAuth auth) {
        auth.ensureLoggedIn();
      }
    } catch (ServerUnavailableException e) {
      LOG.debug("Could not log in at start; will on first use: {}", e.getMessage());
      return;
    }
    namespaceCheck.verify();
  }

  @Override
  public ConfigEngine config() {
    return config;
  }

  @Override
  public NamingEngine naming() {
    return naming;
  }

  @Override
  public ServerStatus status() {
    return transport.status();
  }

  @Override
  public void close() {
    try {
      naming.close();
    } finally {
      try {
        config.close();
      } finally {
        transport.close();
      }
    }
  }
}

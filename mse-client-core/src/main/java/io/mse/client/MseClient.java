package io.mse.client;

import io.mse.client.config.ConfigService;
import io.mse.client.config.internal.ConfigCache;
import io.mse.client.config.internal.DefaultConfigService;
import io.mse.client.governance.Governance;
import io.mse.client.internal.Dispatcher;
import io.mse.client.spi.NamedThreadFactory;
import io.mse.client.spi.StatsRecorder;
import io.mse.client.internal.SnapshotStore;
import io.mse.client.config.ListenedConfig;
import io.mse.client.naming.FollowedService;
import io.mse.client.naming.NamingService;
import io.mse.client.naming.RegisteredInstance;
import io.mse.client.naming.internal.DefaultNamingService;
import io.mse.client.naming.internal.ServiceCache;
import io.mse.client.spi.Engine;
import io.mse.client.spi.EngineContext;
import io.mse.client.spi.EngineProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection to a Microservices Engine: the config center ({@link #config()}) and the registry
 * ({@link #naming()}) of one namespace on one server.
 *
 * <pre>{@code
 * try (MseClient client = MseClient.builder().serverAddr("127.0.0.1:8848").namespace("dev").build()) {
 *   String greeting = client.config().getConfig("order-service.properties", "DEFAULT_GROUP");
 *   Instance target = client.naming().selectOneHealthyInstance("inventory-service");
 * }
 * }</pre>
 *
 * <p>The engine is chosen from the server address by the {@link EngineProvider}s on the class path
 * ({@code mse-client-zookeeper} brings {@code zookeeper://} and {@code embedded}). Thread-safe; one
 * client per server and namespace is meant to be shared by the whole application. {@link #close()}
 * deregisters ephemeral instances, stops every thread the client started, and is idempotent.
 */
public final class MseClient implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MseClient.class);
  private static final AtomicInteger IDS = new AtomicInteger();

  private final MseClientConfig settings;
  private final Dispatcher dispatcher;
  private final Engine engine;
  private final ConfigService config;
  private final DefaultNamingService naming;
  private final ConfigCache configCache;
  private final ServiceCache serviceCache;
  private final StatsRecorder stats = new StatsRecorder();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Governance governance;

  private MseClient(MseClientConfig settings, EngineProvider provider) {
    this.settings = settings;
    String clientId = "c" + IDS.incrementAndGet();
    this.dispatcher = new Dispatcher(new NamedThreadFactory("mse-" + clientId + "-notify"));
    SnapshotStore snapshots = new SnapshotStore(settings.snapshotDir(), settings.serverAddr(), settings.namespace());
    this.configCache = new ConfigCache(dispatcher, snapshots, settings, stats);
    this.serviceCache = new ServiceCache(dispatcher, snapshots, settings.pushEmptyProtection(), stats);
    stats.gauges(configCache::listenedKeys, serviceCache::subscribedServices);
    try {
      this.engine = provider.create(new EngineContext(settings, clientId, configCache, serviceCache, stats));
    } catch (RuntimeException e) {
      dispatcher.close();
      throw e;
    }
    this.config = new DefaultConfigService(settings.namespace(), configCache, engine.config(), settings.requestTimeout());
    this.naming = new DefaultNamingService(settings.namespace(), serviceCache, engine.naming(), settings.requestTimeout());
    LOG.info("mse-client {} started on '{}' ({} engine), namespace '{}'", clientId, settings.serverAddr(),
        provider.name(), settings.namespace().isEmpty() ? "public" : settings.namespace());
  }

  /** Returns a new builder; see {@link Builder} for every setting and its default. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Makes and starts a client from settings.
   *
   * <p>An unreachable server does not stop the start: the engine keeps connecting, reads are served
   * from snapshots, and requests fail with {@link ServerUnavailableException} until it answers.
   *
   * @throws IllegalArgumentException when no engine on the class path accepts the server address, or
   *     the address or an engine property is malformed
   * @throws ServerUnavailableException only when the embedded server cannot be started
   */
  public static MseClient create(MseClientConfig settings) {
    Objects.requireNonNull(settings, "settings");
    return new MseClient(settings, provider(settings.serverAddr()));
  }

  /** Returns the config center of this client's namespace; the same object on every call. */
  public ConfigService config() {
    checkOpen();
    return config;
  }

  /** Returns the registry of this client's namespace; the same object on every call. */
  public NamingService naming() {
    checkOpen();
    return naming;
  }

  /**
   * Returns the traffic governance of this client, made on first use: rules from the baseline
   * document and from {@code <applicationName>.governance.json} (when an application name is set)
   * in group {@code MSE_GOVERNANCE}, instances from {@link #naming()}, time from the client's
   * ticker. The same object on every call; closed with the client.
   */
  public Governance governance() {
    checkOpen();
    Governance g = governance;
    if (g == null) {
      synchronized (this) {
        g = governance;
        if (g == null) {
          Governance.Builder builder = Governance.builder(naming).config(config).ticker(settings.ticker())
              .configTimeout(settings.requestTimeout());
          if (settings.applicationName() != null) {
            builder.applicationName(settings.applicationName());
          }
          g = builder.build();
          governance = g;
        }
      }
    }
    return g;
  }

  /**
   * Returns whether the server answers, as the engine last saw it: unreachable from the first request
   * no server answered until one answers again. Reads memory only; thread-safe.
   */
  public ServerStatus serverStatus() {
    return engine.status();
  }

  /**
   * Returns the configs this client listens to (its own listeners, governance rule documents...),
   * with the MD5 of the content held and when it last changed; in no particular order. Reads memory
   * only; thread-safe, weakly consistent (a change landing meanwhile may or may not show).
   */
  public List<ListenedConfig> listenedConfigs() {
    return configCache.listened();
  }

  /**
   * Returns the services this client follows (read or subscribed to), with their instance counts and
   * when their list last changed; in no particular order. Reads memory only; thread-safe, weakly
   * consistent.
   */
  public List<FollowedService> followedServices() {
    return serviceCache.followed();
  }

  /**
   * Returns the instances registered through this client's {@link #naming()} and not deregistered
   * since (an instance the engine registers again after a lost session stays listed). Reads memory
   * only; thread-safe.
   */
  public List<RegisteredInstance> registrations() {
    return naming.registrations();
  }

  /**
   * Returns what this client has done so far (configs listened, services subscribed, snapshot reads,
   * long polls, pushes, failovers, logins, requests by outcome): live counts, read without
   * allocation or lock. The same object on every call, readable after {@link #close()}. Bind them
   * to Micrometer with {@code io.mse.client.metrics.MseClientMetrics}.
   */
  public ClientStats stats() {
    return stats;
  }

  /** Returns the settings this client was made with. */
  public MseClientConfig settings() {
    return settings;
  }

  /** Returns true once {@link #close()} has been called. */
  public boolean isClosed() {
    return closed.get();
  }

  /** Closes the engine (ending ephemeral registrations and watches), then the notification thread. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      Governance g = governance;
      if (g != null) {
        g.close();
      }
      engine.close();
    } finally {
      dispatcher.close();
    }
    LOG.info("mse-client on '{}' closed", settings.serverAddr());
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException("this MseClient on '" + settings.serverAddr() + "' is closed");
    }
  }

  private static EngineProvider provider(String serverAddr) {
    List<EngineProvider> providers = new ArrayList<>();
    ServiceLoader.load(EngineProvider.class, MseClient.class.getClassLoader()).forEach(providers::add);
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    if (context != null && context != MseClient.class.getClassLoader()) {
      ServiceLoader.load(EngineProvider.class, context).forEach(p -> {
        if (providers.stream().noneMatch(known -> known.getClass().getName().equals(p.getClass().getName()))) {
          providers.add(p);
        }
      });
    }
    for (EngineProvider provider : providers) {
      if (provider.supports(serverAddr)) {
        return provider;
      }
    }
    String known = providers.isEmpty() ? "none"
        : providers.stream().map(p -> p.name() + " (" + p.addressForms() + ")").collect(Collectors.joining("; "));
    String hint = serverAddr.equals(MseClientConfig.EMBEDDED) || serverAddr.startsWith("zookeeper://")
        ? " Add the module io.mse:mse-client-zookeeper to the class path for this address." : "";
    throw new IllegalArgumentException("serverAddr '" + serverAddr + "' is not accepted by any engine on the class path;"
        + " engines found: " + known + "." + hint);
  }

  /**
   * Builds an {@link MseClient}. Every setter checks its value at once and names it when rejecting
   * it. Not thread-safe.
   */
  public static final class Builder {
    private String serverAddr = MseClientConfig.EMBEDDED;
    private String namespace = "";
    private String username;
    private String password;
    private Path snapshotDir = Path.of(System.getProperty("user.home"), ".mse-client", "snapshot");
    private Path embeddedDataDir;
    private Duration requestTimeout = Duration.ofSeconds(3);
    private boolean pushEmptyProtection = true;
    private String applicationName;
    private Ticker ticker = Ticker.system();
    private final Map<String, String> properties = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Sets the server: {@code host:port[,host:port]} or {@code nacos://...} (Nacos),
     * {@code https://host:port} (Nacos over TLS), {@code zookeeper://host:port[,...]}, or
     * {@code embedded} (default: an in-process ZooKeeper server shared by the clients of this JVM).
     */
    public Builder serverAddr(String serverAddr) {
      if (serverAddr == null || serverAddr.isBlank()) {
        throw new IllegalArgumentException("serverAddr '" + serverAddr + "' is invalid: it must not be blank");
      }
      this.serverAddr = serverAddr.strip();
      return this;
    }

    /**
     * Sets the namespace id; null, "" and "public" mean the public namespace (the default); any other
     * is at most 64 ASCII letters, digits, {@code _ -} (the Nacos servers' rule), or an
     * {@link IllegalArgumentException} names it.
     */
    public Builder namespace(String namespace) {
      this.namespace = NameRules.namespace(namespace);
      return this;
    }

    /** Sets the credentials of an auth-enabled server; the password is never logged. */
    public Builder credentials(String username, String password) {
      if (username == null || username.isBlank()) {
        throw new IllegalArgumentException("username '" + username + "' is invalid: it must not be blank");
      }
      if (password == null) {
        throw new IllegalArgumentException("the password of user '" + username + "' is null: give the password"
            + " (it may be empty)");
      }
      this.username = username;
      this.password = password;
      return this;
    }

    /** Sets the snapshot directory; default {@code ~/.mse-client/snapshot}. */
    public Builder snapshotDir(Path snapshotDir) {
      this.snapshotDir = Objects.requireNonNull(snapshotDir, "snapshotDir");
      return this;
    }

    /** Sets the data directory of the embedded server; default a temporary directory deleted on close. */
    public Builder embeddedDataDir(Path embeddedDataDir) {
      this.embeddedDataDir = Objects.requireNonNull(embeddedDataDir, "embeddedDataDir");
      return this;
    }

    /** Sets the longest wait for one server request, end to end; positive; default 3 s. */
    public Builder requestTimeout(Duration requestTimeout) {
      if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
        throw new IllegalArgumentException("requestTimeout " + requestTimeout + " is invalid: it must be positive");
      }
      this.requestTimeout = requestTimeout;
      return this;
    }

    /**
     * Sets whether an empty instance list that may come from a server fault is ignored when it would
     * replace a non-empty one; default true.
     */
    public Builder pushEmptyProtection(boolean pushEmptyProtection) {
      this.pushEmptyProtection = pushEmptyProtection;
      return this;
    }

    /** Sets the application's name (used for its governance rules); default none. */
    public Builder applicationName(String applicationName) {
      this.applicationName = applicationName == null ? null
          : NameRules.dataId(applicationName);
      return this;
    }

    /** Sets the time source; default {@link Ticker#system()}. For tests. */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /** Sets an engine-specific setting, such as {@code nacos.contextPath}; see the engine's documentation. */
    public Builder property(String key, String value) {
      if (key == null || key.isBlank() || value == null) {
        throw new IllegalArgumentException("property '" + key + "' is invalid: keys are non-blank, values non-null");
      }
      properties.put(key, value);
      return this;
    }

    /** Returns the settings made so far. */
    public MseClientConfig toConfig() {
      return new MseClientConfig(serverAddr, namespace, username, password, snapshotDir, embeddedDataDir,
          requestTimeout, pushEmptyProtection, applicationName, ticker, properties);
    }

    /**
     * Makes and starts the client.
     *
     * @throws IllegalArgumentException when no engine on the class path accepts the server address
     * @throws ServerUnavailableException only when the embedded server cannot be started; an
     *     unreachable server does not stop the start (see {@link MseClient#create})
     */
    public MseClient build() {
      return create(toConfig());
    }
  }
}

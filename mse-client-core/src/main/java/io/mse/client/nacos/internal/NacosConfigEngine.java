package io.mse.client.nacos.internal;

import io.mse.client.AuthenticationException;
import io.mse.client.MseClientConfig;
import io.mse.client.MseException;
import io.mse.client.RequestRefusedException;
import io.mse.client.ServerUnavailableException;
import io.mse.client.config.ConfigKey;
import io.mse.client.spi.ConfigData;
import io.mse.client.spi.ConfigEngine;
import io.mse.client.spi.ContentMd5;
import io.mse.client.spi.EngineContext;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Nacos config engine over the v1 open API.
 *
 * <ul>
 *   <li>read: {@code GET {ctx}/v1/cs/configs?dataId=&group=[&tenant=]}; 200 is the raw content
 *       (type from {@code Config-Type}), 404 means absent, 409 (being modified) is reported as
 *       {@link ServerUnavailableException} so the caller may serve its snapshot, 403 as
 *       {@link AuthenticationException};</li>
 *   <li>any other refusal of a read, publish or remove (400 for a parameter, 404 on a write, 410...)
 *       is a {@link RequestRefusedException} with the server's status and words; a 5xx or no answer
 *       is a {@link ServerUnavailableException}, except the 500 of a compare-and-set conflict, which
 *       is the answer false;</li>
 *   <li>publish: {@code POST {ctx}/v1/cs/configs}, everything in the form body (never the query):
 *       {@code dataId, group, [tenant], content, [type]}; a compare-and-set adds the header
 *       {@code casMd5} (see {@link #publishConfig});</li>
 *   <li>remove: {@code DELETE {ctx}/v1/cs/configs?dataId=&group=[&tenant=]};</li>
 *   <li>watch: long polling, see {@link LongPollingConfigWatcher}.</li>
 * </ul>
 * The tenant is the client's namespace id; the public namespace is sent as no tenant at all.
 *
 * A read carries the server's {@code Content-MD5} in {@link ConfigData#md5()}, parsed once here (with
 * an encryption plugin it is the MD5 of the encrypted text, the one long polling compares). The
 * failover directory is the cache layer's, for every engine.
 *
 * <p>Properties: {@value #LONG_POLL_TIMEOUT} (the {@code Long-Pulling-Timeout}, ms, default 30000,
 * at least 10000); {@value #MAX_FORM_BYTES} (the largest form body a publish may send, default
 * {@value #DEFAULT_MAX_FORM_BYTES} bytes: see {@link #publishConfig}).
 *
 * <p>Threads: none until the first watch; then the one thread of {@link ExecutorScheduler}
 * (named {@code mse-<client>-config-1}), whatever the number of watched keys: polls are sent
 * asynchronously and wait on the transport's selector thread, not on ours.
 * Thread-safe. {@link #close()} cancels the polls in flight and stops the threads.
 */
public final class NacosConfigEngine implements ConfigEngine, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(NacosConfigEngine.class);
  public static final String LONG_POLL_TIMEOUT = "nacos.longPollTimeoutMillis";
  public static final String MAX_FORM_BYTES = "nacos.maxFormBytes";
  /**
   * The largest form body the servers' web server reads: Spring Boot's
   * {@code server.tomcat.max-http-form-post-size}, 2 MiB, which Nacos 2.5.1 and 3.0.3 keep. Past it Tomcat
   * drops every parameter of the form and the server answers that {@code dataId} is missing (2.5.1:
   * 500, 3.0.3: 400), storing nothing.
   */
  static final long DEFAULT_MAX_FORM_BYTES = 2L * 1024 * 1024;
  static final long DEFAULT_LONG_POLL_MILLIS = 30_000;
  static final long MIN_LONG_POLL_MILLIS = 10_000;
  static final String CONFIGS_PATH = "/v1/cs/configs";
  /**
   * The expected MD5 of a compare-and-set that must find no config: the MD5 of no content a server
   * stores (a stored config always has the MD5 of its non-blank content).
   */
  static final String NO_CONTENT_MD5 = "00000000000000000000000000000000";
  /** The header that carries the expected MD5 of a compare-and-set publish (both lines ignore a form field). */
  static final String CAS_MD5_HEADER = "casMd5";

  /**
   * A compare-and-set publish's 500 that reports the failed compare, the same on every server: Nacos
   * 2.x words it ({@code caused: Cas publish fail, server md5 may have changed.;}), 3.x answers a bare
   * {@code false}.
   */
  static boolean isCasConflict(NacosResponse response) {
    String body = response.body().strip().toLowerCase(Locale.ROOT);
    return body.equals("false") || body.contains("cas publish fail") || body.contains("md5 may have changed");
  }

  private final EngineContext context;
  private final NacosTransport transport;
  private final ConfigScheduler scheduler;
  private final NamespaceCheck namespaceCheck;
  private final Duration requestTimeout;
  private final LongPollingConfigWatcher watcher;
  private final long maxFormBytes;
  private volatile boolean closed;

  /** Makes the engine with its own scheduler and a namespace check of its own. */
  public NacosConfigEngine(EngineContext context, NacosTransport transport) {
    this(context, transport, new NamespaceCheck(context.config().namespace(), transport,
        context.config().requestTimeout()));
  }

  /** Makes the engine with its own scheduler, sharing {@code namespaceCheck} with its engine. */
  public NacosConfigEngine(EngineContext context, NacosTransport transport, NamespaceCheck namespaceCheck) {
    this(context, transport, namespaceCheck, new ExecutorScheduler("config", context.threadFactory("config")));
  }

  NacosConfigEngine(EngineContext context, NacosTransport transport, NamespaceCheck namespaceCheck,
      ConfigScheduler scheduler) {
    MseClientConfig settings = context.config();
    this.context = context;
    this.transport = transport;
    this.scheduler = scheduler;
    this.namespaceCheck = namespaceCheck;
    this.requestTimeout = settings.requestTimeout();
    this.maxFormBytes = positive(settings, MAX_FORM_BYTES, DEFAULT_MAX_FORM_BYTES, "bytes");
    long hold = positive(settings, LONG_POLL_TIMEOUT, DEFAULT_LONG_POLL_MILLIS, "ms");
    if (hold < MIN_LONG_POLL_MILLIS) {
      throw new IllegalArgumentException(LONG_POLL_TIMEOUT + " '" + hold + "' is invalid: it must be at least "
          + MIN_LONG_POLL_MILLIS + " ms (the server never holds a poll for less)");
    }
    this.watcher = new LongPollingConfigWatcher(request -> transport.sendAsync(request, scheduler::execute,
        (task, delay) -> scheduler.schedule("timeout", task, delay)), scheduler, context.configSink(),
        key -> fetch(key, requestTimeout), Duration.ofMillis(hold), context.stats(), settings.ticker());
  }

  @Override
  public ConfigData getConfig(ConfigKey key, Duration timeout) {
    namespaceCheck.verify();
    return fetchPatiently(key, timeout);
  }

  /** Reads a config from the server, with the MD5 the server holds for it ({@code Content-MD5}). */
  ConfigData fetch(ConfigKey key, Duration timeout) {
    return readData(key, read(key, timeout));
  }

  /**
   * As {@link #fetch}, for a caller's read: a 409 ("being modified": the server refreshes its read cache
   * after a write, for up to about a second on 3.x) is read again every {@value #BUSY_RETRY_MILLIS} ms
   * while half the timeout lasts, then reported. (The long-poll watcher reads with {@link #fetch}: it
   * must not hold its thread, and backs the batch off instead.)
   */
  private ConfigData fetchPatiently(ConfigKey key, Duration timeout) {
    long retries = timeout.toMillis() / 2 / BUSY_RETRY_MILLIS; // half the timeout, counted in waits
    for (long retry = 0; ; retry++) {
      NacosResponse response = read(key, timeout);
      if (response.status() != 409 || retry >= retries) {
        return readData(key, response);
      }
      LOG.debug("'{}' is being modified on {} (409); reading it again in {} ms", key, response.server(),
          BUSY_RETRY_MILLIS);
      try {
        Thread.sleep(BUSY_RETRY_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return readData(key, response);
      }
    }
  }

  static final long BUSY_RETRY_MILLIS = 100;

  private NacosResponse read(ConfigKey key, Duration timeout) {
    return transport.send(NacosRequest.get(CONFIGS_PATH, keyParams(key), timeout, key.toString()));
  }

  private ConfigData readData(ConfigKey key, NacosResponse response) {
    switch (response.status()) {
      case 200:
        return new ConfigData(response.body(), response.header("Config-Type"),
            ContentMd5.parse(response.header("Content-MD5")));
      case 404:
        return null;
      case 409:
        throw new ServerUnavailableException(key.toString(), "Config '" + key + "' is being modified on "
            + response.server() + " (409); read it again shortly");
      case 403:
        throw forbidden(key, "read", response);
      default:
        throw refused(key, "read", response);
    }
  }

  /**
   * Publishes; with {@code casMd5} a compare-and-set, whose expected MD5 travels in the
   * {@code casMd5} header (both server lines ignore a form field of that name):
   * <ul>
   *   <li>a non-empty {@code casMd5} replaces the content only if its MD5 is that one; a mismatch is
   *       answered {@code false} by the server (2.x: 500 "Cas publish fail"; 3.x: 500 {@code false}) and
   *       returned as false, never retried on another server. On an absent config the server would
   *       create it whatever the MD5, so the config's presence is read first and an absent config
   *       answers false (not atomic: a config removed between the read and the publish is created);</li>
   *   <li>{@code ""} creates the config only if it does not exist, atomically on the server: the header
   *       carries an MD5 no stored content has, so an existing config fails the compare and an absent
   *       one is inserted.</li>
   * </ul>
   *
   * @throws IllegalArgumentException before any I/O when the URL-encoded form body would exceed
   *     {@value #MAX_FORM_BYTES} ({@value #DEFAULT_MAX_FORM_BYTES} bytes by default), which the server
   *     would not read: its content (every character not a letter, a digit or {@code .-*_} takes 3
   *     bytes per UTF-8 byte) is too large
   */
  @Override
  public boolean publishConfig(ConfigKey key, String content, String type, String casMd5) {
    Map<String, String> form = keyParams(key);
    form.put("content", content);
    if (type != null && !type.isBlank()) {
      form.put("type", type);
    }
    long formBytes = NacosHttp.encode(form).length(); // ASCII once encoded: one byte per character
    if (formBytes > maxFormBytes) {
      throw new IllegalArgumentException("content of '" + key + "' is too large to publish (" + content.length()
          + " characters): its URL-encoded form body would be " + formBytes + " bytes, over the " + maxFormBytes
          + " bytes a Nacos server reads in a form (" + MAX_FORM_BYTES + "; Nacos keeps Spring Boot's"
          + " server.tomcat.max-http-form-post-size of 2 MiB and past it drops the whole form, storing nothing)");
    }
    namespaceCheck.verify();
    NacosRequest request = NacosRequest.post(CONFIGS_PATH, form, requestTimeout, key.toString());
    if (casMd5 != null) {
      if (!casMd5.isEmpty() && !exists(key)) {
        LOG.debug("Compare-and-set publish of '{}' not sent: the config does not exist", key);
        return false;
      }
      request = request.withHeader(CAS_MD5_HEADER, casMd5.isEmpty() ? NO_CONTENT_MD5 : casMd5)
          .answeringIn500(NacosConfigEngine::isCasConflict);
    }
    NacosResponse response = transport.send(request);
    if (response.ok()) {
      return response.body().strip().equals("true");
    }
    if (casMd5 != null && (response.status() == 500 || response.status() == 409)) {
      // the transport returns a 500 only when it reports the failed compare (see isCasConflict)
      LOG.debug("Compare-and-set publish of '{}' refused: {}", key, NacosText.abbreviate(response.body()));
      return false;
    }
    if (response.status() == 403) {
      throw forbidden(key, "publish", response);
    }
    throw refused(key, "publish", response);
  }

  /** Whether the server holds the config; a config being modified (409) exists. */
  private boolean exists(ConfigKey key) {
    NacosResponse response = read(key, requestTimeout);
    return response.status() == 409 || readData(key, response) != null;
  }

  @Override
  public boolean removeConfig(ConfigKey key) {
    namespaceCheck.verify();
    NacosResponse response = transport.send(NacosRequest.delete(CONFIGS_PATH, keyParams(key), requestTimeout,
        key.toString()));
    if (response.ok()) {
      return response.body().strip().equals("true");
    }
    if (response.status() == 403) {
      throw forbidden(key, "remove", response);
    }
    throw refused(key, "remove", response);
  }

  @Override
  public void watch(ConfigKey key, ContentMd5 md5) {
    if (closed) {
      throw new IllegalStateException("the Nacos config engine is closed");
    }
    watcher.watch(key, md5);
  }

  @Override
  public void unwatch(ConfigKey key) {
    watcher.unwatch(key);
  }

  private static Map<String, String> keyParams(ConfigKey key) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("dataId", key.dataId());
    params.put("group", key.group());
    if (!key.namespace().isEmpty()) {
      params.put("tenant", key.namespace());
    }
    return params;
  }

  private AuthenticationException forbidden(ConfigKey key, String action, NacosResponse response) {
    String body = NacosText.abbreviate(response.body());
    String hint = context.config().username() == null && NacosAuth.speaksOfToken(body)
        ? "the server requires a login: give the client credentials(username, password)"
        : "the user '" + context.config().username() + "' lacks the permission to " + action + " in namespace '"
            + (key.namespace().isEmpty() ? "public" : key.namespace()) + "'";
    return new AuthenticationException(key.toString(), "Nacos " + response.server() + " refused to " + action
        + " '" + key + "' (403 " + body + "): " + hint);
  }

  /**
   * The server's answer to a request it did not carry out: a 5xx it sent (other than those the
   * transport already tried elsewhere) is still the server failing, anything else (400 for a
   * parameter, 404 on a write, 410...) a refusal of its own.
   */
  private static MseException refused(ConfigKey key, String action, NacosResponse response) {
    String reason = NacosText.abbreviate(response.body());
    if (response.status() >= 500) {
      return new ServerUnavailableException(key.toString(), "Nacos " + response.server() + " failed to " + action
          + " '" + key + "': " + response.status() + " " + reason);
    }
    return new RequestRefusedException(key.toString(), response.server(), response.status(), action + " the config",
        reason);
  }

  private static long positive(MseClientConfig settings, String property, long defaultValue, String unit) {
    String value = settings.property(property, null);
    if (value == null) {
      return defaultValue;
    }
    try {
      long millis = Long.parseLong(value.strip());
      if (millis > 0) {
        return millis;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(property + " '" + value + "' is invalid: it is a positive number of " + unit);
  }

  /** Cancels the polls in flight and stops the engine's threads. Idempotent. */
  @Override
  public void close() {
    closed = true;
    watcher.close();
    scheduler.close();
  }
}

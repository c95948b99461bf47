package io.mse.client.dubbo.registry;

import io.mse.client.naming.Instance;
import io.mse.client.naming.NamingEvent;
import io.mse.client.naming.NamingListener;
import io.mse.client.naming.NamingService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.common.config.ConfigurationUtils;
import org.apache.dubbo.common.deploy.Deployer;
import org.apache.dubbo.rpc.model.ApplicationModel;
import org.apache.dubbo.rpc.model.ModuleModel;
import org.apache.dubbo.rpc.model.ScopeModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The drain of one Dubbo application at shutdown: when the application (or a module of it) stops, its
 * {@code mse://} registry and service discovery deregister its instances and then wait, on the stopping
 * thread, until the server no longer lists them (the client's own subscription to each service shows it
 * gone) and {@value #PUSH_MARGIN_MILLIS} more, so that the server's push of the removal has reached the
 * consumers before Dubbo closes the protocol servers. Dubbo calls the registry's {@code unregister} and the
 * discovery's before it destroys the protocols (a lone application's triple server closes right after), so
 * waiting there is what keeps consumers from calling a closed server.
 *
 * <p>All waits of one shutdown share one deadline: {@value #DRAIN_TIMEOUT_MILLIS} (default 10 000 ms, 0
 * turns the drain off) from the first deregistration, and never later than Dubbo's own shutdown budget
 * ({@code dubbo.service.shutdown.wait}, which {@code dubbo.application.shutwait} sets; counted from the start
 * of Dubbo's shutdown hook when that runs it). When the deadline passes, the drain stops waiting (one WARN)
 * and the shutdown goes on. A registry that deregisters interface-level URLs while the application's
 * {@code mse://} discovery still holds an application-level instance leaves the waiting to the discovery,
 * which Dubbo calls next: one wait covers both.
 *
 * <p>One object per application, a bean of its {@link ApplicationModel}. Thread-safe.
 */
public final class ShutdownDrain {

  /** The registry URL parameter of the longest drain, in milliseconds; 0 turns it off: {@value}. */
  public static final String DRAIN_TIMEOUT_MILLIS = "mse.drain-timeout-millis";
  /** The registry URL parameter of the wait after the removal is visible, in milliseconds: {@value}. */
  public static final String PUSH_MARGIN_MILLIS = "mse.drain-push-margin-millis";
  static final long DEFAULT_DRAIN_TIMEOUT_MILLIS = 10_000;
  static final long DEFAULT_PUSH_MARGIN_MILLIS = 1_000;
  private static final Logger LOG = LoggerFactory.getLogger(ShutdownDrain.class);

  private final ApplicationModel application;
  private final List<Removal> pending = new ArrayList<>();
  private long deadlineNanos;
  private long startNanos;
  private boolean discoveryHoldsInstance;
  private volatile Report lastReport;

  private ShutdownDrain(ApplicationModel application) {
    this.application = application;
  }

  /** Returns the drain of {@code application}, made on first use. */
  public static ShutdownDrain of(ApplicationModel application) {
    Objects.requireNonNull(application, "application");
    return application.getBeanFactory().getOrRegisterBean(ShutdownDrain.class, type -> new ShutdownDrain(application));
  }

  /**
   * The drain settings of a registry URL.
   *
   * @param timeout the longest drain; zero: no drain
   * @param pushMargin the wait after the removal is seen
   */
  public record Settings(Duration timeout, Duration pushMargin) {

    /**
     * Reads {@value #DRAIN_TIMEOUT_MILLIS} (default 10000) and {@value #PUSH_MARGIN_MILLIS} (default 1000).
     *
     * @throws IllegalArgumentException when a value is not a whole number of milliseconds, 0 or more
     */
    public static Settings of(URL url) {
      return new Settings(Duration.ofMillis(millis(url, DRAIN_TIMEOUT_MILLIS, DEFAULT_DRAIN_TIMEOUT_MILLIS)),
          Duration.ofMillis(millis(url, PUSH_MARGIN_MILLIS, DEFAULT_PUSH_MARGIN_MILLIS)));
    }

    private static long millis(URL url, String name, long defaultValue) {
      String value = url.getParameter(name);
      if (value == null) {
        return defaultValue;
      }
      try {
        long parsed = Long.parseLong(value.strip());
        if (parsed >= 0) {
          return parsed;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException("parameter " + name + "='" + value + "' is invalid: it is a whole number"
          + " of milliseconds, 0 or more");
    }
  }

  /**
   * What a drain did; durations from the first deregistration of the shutdown.
   *
   * @param removals how many instances were waited for
   * @param removalSeen when the last removal showed; null when not every removal showed in time
   * @param total the whole drain
   * @param timedOut whether the deadline ended it
   */
  public record Report(int removals, Duration removalSeen, Duration total, boolean timedOut) {}

  /**
   * Returns true when {@code url}'s application or module is stopping (Dubbo's deployer says so), that is
   * when an unregistration is part of a shutdown rather than of Dubbo's {@code offline} or a re-export.
   */
  public static boolean stopping(URL url, ApplicationModel fallback) {
    ScopeModel model = url.getScopeModel();
    if (model instanceof ModuleModel module) {
      return stopping(module.getDeployer()) || stopping(module.getApplicationModel().getDeployer());
    }
    ApplicationModel app = model instanceof ApplicationModel a ? a : fallback;
    return app != null && stopping(app.getDeployer());
  }

  private static boolean stopping(Deployer<?> deployer) {
    return deployer != null && deployer.isStopping();
  }

  /** Notes whether this application's {@code mse://} discovery holds a registered instance. */
  public synchronized void discoveryHoldsInstance(boolean holds) {
    discoveryHoldsInstance = holds;
  }

  /** Returns true when the application's {@code mse://} discovery will deregister (and drain) after the registry. */
  public synchronized boolean discoveryHoldsInstance() {
    return discoveryHoldsInstance;
  }

  /**
   * Starts following {@code service} to see {@code instance} leave it; call before deregistering it. The
   * first watch of a shutdown starts its deadline.
   */
  public void watch(NamingService naming, String service, String group, Instance instance, Settings settings) {
    Removal removal = new Removal(naming, service, group, instance);
    synchronized (this) {
      if (pending.isEmpty() && deadlineNanos == 0) {
        startNanos = System.nanoTime();
        deadlineNanos = startNanos + budget(settings).toNanos();
      }
      pending.add(removal);
    }
    removal.start();
  }

  /**
   * Waits until every watched removal is visible and then the push margin, or until the deadline; then
   * forgets them. Returns at once when nothing is watched. An interrupt ends the wait (the flag is kept).
   */
  public Report await(Settings settings) {
    List<Removal> removals;
    long start;
    long deadline;
    synchronized (this) {
      removals = new ArrayList<>(pending);
      pending.clear();
      start = startNanos;
      deadline = deadlineNanos;
      deadlineNanos = 0;
    }
    if (removals.isEmpty()) {
      return null;
    }
    try {
      CompletableFuture<?> all = CompletableFuture.allOf(removals.stream().map(r -> r.gone).toArray(CompletableFuture[]::new));
      boolean seen = waitUntil(all, deadline);
      Duration removalSeen = seen ? Duration.ofNanos(System.nanoTime() - start) : null;
      boolean timedOut = !seen;
      if (seen) {
        long marginEnd = System.nanoTime() + settings.pushMargin().toNanos();
        waitUntil(new CompletableFuture<>(), Math.min(marginEnd, deadline)); // nothing completes it: a timed wait
        timedOut = marginEnd > deadline;
      }
      Report report = new Report(removals.size(), removalSeen, Duration.ofNanos(System.nanoTime() - start), timedOut);
      lastReport = report;
      if (timedOut) {
        LOG.warn("Drain of Dubbo application '{}' ended by its deadline ({} ms, {}, or Dubbo's shutdown wait): {}",
            name(), settings.timeout().toMillis(), DRAIN_TIMEOUT_MILLIS, report);
      } else {
        LOG.info("Drained Dubbo application '{}': {} instance(s) gone from the registry after {} ms, drain {} ms",
            name(), removals.size(), removalSeen.toMillis(), report.total().toMillis());
      }
      return report;
    } finally {
      removals.forEach(Removal::stop);
    }
  }

  /** Returns what the last drain of this application did; null before any. */
  public Report lastReport() {
    return lastReport;
  }

  private String name() {
    try {
      return application.getApplicationName();
    } catch (IllegalStateException e) { // no ApplicationConfig (any more)
      return application.getDesc();
    }
  }

  /** The drain's budget: the setting, capped by what Dubbo's shutdown leaves (its shutdown wait). */
  private Duration budget(Settings settings) {
    long dubboMillis = ConfigurationUtils.getServerShutdownTimeout(application);
    return dubboMillis > 0 && dubboMillis < settings.timeout().toMillis() ? Duration.ofMillis(dubboMillis)
        : settings.timeout();
  }

  /** Waits for {@code future} until {@code deadlineNanos}; true when it completed. */
  private static boolean waitUntil(CompletableFuture<?> future, long deadlineNanos) {
    long left = deadlineNanos - System.nanoTime();
    try {
      if (left <= 0) {
        return future.isDone();
      }
      future.get(left, TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return future.isDone();
    }
  }

  /** One instance leaving one service, seen through the client's subscription to the service. */
  private static final class Removal implements NamingListener {
    final NamingService naming;
    final String service;
    final String group;
    final Instance instance;
    final CompletableFuture<Void> gone = new CompletableFuture<>();
    private boolean subscribed;

    Removal(NamingService naming, String service, String group, Instance instance) {
      this.naming = naming;
      this.service = service;
      this.group = group;
      this.instance = instance;
    }

    void start() {
      try {
        naming.subscribe(service, group, this);
        subscribed = true;
      } catch (RuntimeException e) {
        LOG.warn("Cannot follow '{}' to see {} leave it ({}); not waiting for it", service, instance.address(),
            e.toString());
        gone.complete(null);
      }
    }

    @Override
    public void onEvent(NamingEvent event) {
      if (event.instances().stream().noneMatch(instance::sameEndpoint)) {
        gone.complete(null);
      }
    }

    void stop() {
      if (subscribed) {
        try {
          naming.unsubscribe(service, group, this);
        } catch (RuntimeException e) {
          LOG.debug("Could not stop following '{}': {}", service, e.toString());
        }
      }
    }
  }
}

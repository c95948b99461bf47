package io.mse.client.dubbo.registry;

import io.mse.client.naming.Instance;
import io.mse.client.naming.NamingEvent;
import io.mse.client.naming.NamingListener;
import io.mse.client.naming.NamingService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
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
 * consumers before Dubbo closes the protocol servers and unexports the services.
 *
 * <p>Dubbo stops in one of two orders. When the <b>application</b> stops ({@code DubboBootstrap.stop()},
 * Dubbo's shutdown hook), it unregisters every interface-level URL, then the application-level instance,
 * then destroys the protocols: the registry leaves the wait to the application's {@code mse://} discovery
 * when that holds an instance, which waits for all of them at once. When a <b>module</b> stops
 * ({@code ModuleModel.destroy()}, what Dubbo's Spring integration calls on context close), Dubbo unregisters
 * the module's interface-level URLs, unexports its services, and only after that, when it was the last
 * public module, stops the application: so the registry waits itself before the unexport, and when the
 * module is the application's last public one it first deregisters the application-level instance of the
 * discovery too ({@link #deregisterApplicationInstances}): one wait covers both.
 *
 * <p>Deadline: each shutdown (the application's stop, or one module's) has one deadline, started when its
 * first wait takes the deregistered instances, and shared by every later wait of the same shutdown (another
 * {@code mse://} registry or discovery): {@value #DRAIN_TIMEOUT_MILLIS} (default 10 000 ms, 0 turns the
 * drain off), capped by Dubbo's own shutdown wait ({@code dubbo.service.shutdown.wait}, 0 there meaning no
 * wait, as it does for Dubbo's servers; counted from the start of Dubbo's shutdown hook when that runs the
 * stop). When the deadline passes before the removals show, the drain stops waiting (one WARN) and the
 * shutdown goes on. An instance deregistered once the deadline has passed, or while the server is known to
 * be unreachable, is not followed (no blocking first read).
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
  private final Map<Object, Consumer<ScopeModel>> instanceHolders = new LinkedHashMap<>();
  private ScopeModel deadlineOf;
  private long startNanos;
  private long deadlineNanos;
  private Duration budget = Duration.ZERO;
  private int skipped;
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
   * What a drain did; durations from the start of the shutdown's deadline.
   *
   * @param removals how many instances were waited for
   * @param removalSeen when the last removal showed; null when not every removal showed in time
   * @param total the whole drain
   * @param timedOut whether the deadline passed before every removal showed (a push margin cut short by the
   *     deadline is not a time-out)
   * @param budget the shutdown's whole budget: the setting, capped by Dubbo's shutdown wait
   */
  public record Report(int removals, Duration removalSeen, Duration total, boolean timedOut, Duration budget) {}

  /**
   * Returns true when {@code url}'s application or module is stopping (Dubbo's deployer says so), that is
   * when an unregistration is part of a shutdown rather than of Dubbo's {@code offline} or a re-export.
   */
  public static boolean stopping(URL url, ApplicationModel fallback) {
    return stoppingScope(url, fallback) != null;
  }

  /**
   * Returns what is stopping for {@code url}: its application when the application's own deployer is
   * stopping; else its module when the module's deployer is; else null (no shutdown).
   */
  public static ScopeModel stoppingScope(URL url, ApplicationModel fallback) {
    ScopeModel model = url.getScopeModel();
    ApplicationModel app = model instanceof ModuleModel module ? module.getApplicationModel()
        : model instanceof ApplicationModel a ? a : fallback;
    if (app != null && stopping(app.getDeployer())) {
      return app;
    }
    return model instanceof ModuleModel module && stopping(module.getDeployer()) ? module : null;
  }

  /**
   * Returns true when no public module of {@code module}'s application but {@code module} is still running:
   * its stop is followed by the application's.
   */
  public static boolean lastPublicModule(ModuleModel module) {
    return !module.isInternal() && module.getApplicationModel().getPubModuleModels().stream()
        .allMatch(m -> m == module || m.isDestroyed() || stopping(m.getDeployer())
            || (m.getDeployer() != null && m.getDeployer().isStopped()));
  }

  private static boolean stopping(Deployer<?> deployer) {
    return deployer != null && deployer.isStopping();
  }

  /**
   * Returns true when a shutdown of this application drains with {@code settings}: a drain timeout above
   * 0 and a Dubbo shutdown wait above 0 ({@code dubbo.service.shutdown.wait=0} means no wait to Dubbo).
   */
  public boolean enabled(Settings settings) {
    return !budget(settings).isZero();
  }

  /**
   * Notes that {@code holder}, an {@code mse://} discovery of this application, holds a registered
   * application-level instance; {@code deregisterForDrain} watches ({@link #watch}) and deregisters it for
   * the given stopping scope.
   */
  public synchronized void holdInstance(Object holder, Consumer<ScopeModel> deregisterForDrain) {
    instanceHolders.put(Objects.requireNonNull(holder, "holder"), Objects.requireNonNull(deregisterForDrain,
        "deregisterForDrain"));
  }

  /** Notes that {@code holder} no longer holds a registered instance. */
  public synchronized void releaseInstance(Object holder) {
    instanceHolders.remove(holder);
  }

  /** Returns true when an {@code mse://} discovery of this application holds a registered instance. */
  public synchronized boolean discoveryHoldsInstance() {
    return !instanceHolders.isEmpty();
  }

  /**
   * Has every discovery that holds an instance watch and deregister it now, for {@code stopping} (the last
   * public module's stop, which Dubbo follows by unexporting before it stops the application). A failure
   * is logged and the others go on.
   */
  public void deregisterApplicationInstances(ScopeModel stopping) {
    List<Consumer<ScopeModel>> holders;
    synchronized (this) {
      holders = new ArrayList<>(instanceHolders.values());
      instanceHolders.clear();
    }
    for (Consumer<ScopeModel> holder : holders) {
      try {
        holder.accept(stopping);
      } catch (RuntimeException e) {
        LOG.warn("Could not deregister the application-level instance of Dubbo application '{}' at its last"
            + " module's stop: {}", name(), e.toString());
      }
    }
  }

  /**
   * Starts following {@code service} to see {@code instance} leave it; call before deregistering it for a
   * shutdown of {@code stopping}, and call {@link #await} after. Not followed (nothing waited for) when the
   * server is unreachable ({@code serverReachable} false) or the shutdown's deadline has passed: the first
   * read of a subscription could block up to a request timeout.
   */
  public void watch(NamingService naming, BooleanSupplier serverReachable, String service, String group,
      Instance instance, ScopeModel stopping) {
    synchronized (this) {
      if (deadlineOf == stopping && System.nanoTime() - deadlineNanos >= 0) {
        skipped++;
        return;
      }
    }
    if (!serverReachable.getAsBoolean()) {
      synchronized (this) {
        skipped++;
      }
      return;
    }
    Removal removal = new Removal(naming, service, group, instance);
    removal.start();
    synchronized (this) {
      pending.add(removal);
    }
  }

  /**
   * Waits until every watched removal is visible and then the push margin, or until the deadline of the
   * shutdown of {@code stopping} (started by its first wait, kept by the later ones); then forgets them.
   * Returns null at once when nothing is watched. An interrupt ends the wait (the flag is kept).
   */
  public Report await(Settings settings, ScopeModel stopping) {
    List<Removal> removals;
    long start;
    long deadline;
    Duration shutdownBudget;
    int notFollowed;
    synchronized (this) {
      removals = new ArrayList<>(pending);
      pending.clear();
      notFollowed = skipped;
      skipped = 0;
      if (!removals.isEmpty() && deadlineOf != stopping) {
        deadlineOf = stopping;
        budget = budget(settings);
        startNanos = System.nanoTime();
        deadlineNanos = startNanos + budget.toNanos();
      }
      start = startNanos;
      deadline = deadlineNanos;
      shutdownBudget = budget;
    }
    if (notFollowed > 0) {
      LOG.warn("Drain of Dubbo application '{}': not waiting for {} deregistered instance(s), the server being"
          + " unreachable or the shutdown's deadline passed", name(), notFollowed);
    }
    if (removals.isEmpty()) {
      return null;
    }
    try {
      CompletableFuture<?> all = CompletableFuture.allOf(removals.stream().map(r -> r.gone).toArray(CompletableFuture[]::new));
      boolean seen = waitUntil(all, deadline);
      Duration removalSeen = seen ? Duration.ofNanos(System.nanoTime() - start) : null;
      long marginLeft = 0;
      if (seen) {
        long marginEnd = System.nanoTime() + settings.pushMargin().toNanos();
        marginLeft = Math.min(marginEnd, deadline) - System.nanoTime();
        waitUntil(new CompletableFuture<>(), Math.min(marginEnd, deadline)); // nothing completes it: a timed wait
      }
      Report report = new Report(removals.size(), removalSeen, Duration.ofNanos(System.nanoTime() - start), !seen,
          shutdownBudget);
      lastReport = report;
      if (!seen) {
        LOG.warn("Drain of Dubbo application '{}' ended by its deadline: the server still listed some of {}"
            + " instance(s) after the shutdown's budget of {} ms ({} or Dubbo's shutdown wait, whichever is less)",
            name(), removals.size(), shutdownBudget.toMillis(), DRAIN_TIMEOUT_MILLIS);
      } else {
        LOG.info("Drained Dubbo application '{}': {} instance(s) gone from the registry after {} ms, push margin"
            + " {} ms, drain {} ms", name(), removals.size(), removalSeen.toMillis(),
            Math.max(0, TimeUnit.NANOSECONDS.toMillis(marginLeft)), report.total().toMillis());
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

  /** The drain's budget: the setting, capped by what Dubbo's shutdown leaves (its shutdown wait; 0: none). */
  private Duration budget(Settings settings) {
    long dubboMillis = Math.max(0, ConfigurationUtils.getServerShutdownTimeout(application));
    return Duration.ofMillis(Math.min(dubboMillis, settings.timeout().toMillis()));
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

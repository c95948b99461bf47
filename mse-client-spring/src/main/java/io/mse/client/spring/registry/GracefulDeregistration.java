package io.mse.client.spring.registry;

import io.mse.client.naming.Instance;
import io.mse.client.naming.NamingEvent;
import io.mse.client.naming.NamingListener;
import io.mse.client.naming.NamingService;
import io.mse.client.spi.NamedThreadFactory;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;

/**
 * Deregisters this application when its context closes, <em>before</em> the web server stops taking
 * requests, then drains: a {@link SmartLifecycle} of phase {@link #PHASE}, which Spring stops before
 * Spring Boot's web server graceful shutdown ({@link WebServerGracefulShutdownLifecycle#SMART_LIFECYCLE_PHASE})
 * and its stop (lower still).
 *
 * <p>On stop, on the daemon thread {@code mse-deregistration}:
 * <ol>
 *   <li>deregisters (Spring Cloud's {@link MseAutoServiceRegistration#stop()});
 *   <li>waits until the application's own subscription to its service shows the instance gone, then
 *       {@code mse.discovery.drain-push-margin} more, so that the other subscribers' pushes arrive
 *       (the server pushes to all of them at once);
 *   <li>waits until no request is in flight ({@link InFlightRequests}), when the web server's requests
 *       are counted;
 * </ol>
 * all within {@code mse.discovery.drain-timeout} from the start, after which it gives up waiting
 * (WARN) and lets the shutdown go on. When deregistration fails (server unreachable), step 2 is
 * skipped. Requests keep being served throughout; the web server's own graceful shutdown follows.
 *
 * <p>It runs once: for the context it is defined in (the root), when that context closes. A child
 * context (a Feign or LoadBalancer client's, a {@code SpringApplicationBuilder} child) has no bean of
 * its own (the auto-configuration finds this one in its parent) and its close stops nothing here.
 * Thread-safe.
 */
public final class GracefulDeregistration implements SmartLifecycle {

  private static final Logger LOG = LoggerFactory.getLogger(GracefulDeregistration.class);

  /** Stops after beans of the default phase and before the web server's graceful shutdown. */
  public static final int PHASE = WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE + 512;

  private final MseAutoServiceRegistration registration;
  private final NamingService naming;
  private final InFlightRequests inFlight;
  private final Duration drainTimeout;
  private final Duration pushMargin;
  private final AtomicBoolean running = new AtomicBoolean();
  private volatile DrainReport lastDrain;

  /**
   * What the last drain did, for logs and tests. Durations are measured from the start of the stop.
   *
   * @param deregistered whether the deregistration succeeded
   * @param removalSeen how long until the own subscription showed the instance gone; null when it did not
   * @param idle how long until no request was in flight; null when it did not happen within the timeout
   * @param total the whole drain
   * @param timedOut whether the drain timeout ended it
   */
  public record DrainReport(boolean deregistered, Duration removalSeen, Duration idle, Duration total,
      boolean timedOut) {}

  /**
   * @param registration the auto-registration to stop
   * @param naming the registry, read for the removal
   * @param inFlight the requests in flight; null when they are not counted (no servlet or reactive web server)
   * @param drainTimeout the longest drain; not negative
   * @param pushMargin the wait after the removal is seen; not negative
   * @throws IllegalArgumentException when a duration is negative, naming the property
   */
  public GracefulDeregistration(MseAutoServiceRegistration registration, NamingService naming,
      InFlightRequests inFlight, Duration drainTimeout, Duration pushMargin) {
    this.registration = Objects.requireNonNull(registration, "registration");
    this.naming = Objects.requireNonNull(naming, "naming");
    this.inFlight = inFlight;
    this.drainTimeout = notNegative("mse.discovery.drain-timeout", drainTimeout);
    this.pushMargin = notNegative("mse.discovery.drain-push-margin", pushMargin);
  }

  /**
   * Marks this lifecycle running. After a stop that deregistered (a context paused and started again,
   * whose web server kept running), registers again; at the first start the web server's own start
   * has registered already, and a port given by {@code mse.discovery.port} registers an application
   * without web server here.
   */
  @Override
  public void start() {
    running.set(true);
    if (registration.registrationView().getPort() > 0 && !registration.isRunning()) {
      registration.start();
    }
  }

  /** Deregisters and drains on the calling thread. */
  @Override
  public void stop() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    stop(() -> done.complete(null));
    done.join();
  }

  /** Deregisters and drains on the thread {@code mse-deregistration}, then runs {@code callback}. */
  @Override
  public void stop(Runnable callback) {
    if (!running.compareAndSet(true, false) || !registration.isRunning()) {
      registration.stop();   // cancels a pending retry; no-op when not registered
      callback.run();
      return;
    }
    Thread thread = new NamedThreadFactory("mse-deregistration").newThread(() -> {
      try {
        lastDrain = drain();
      } catch (RuntimeException e) {
        LOG.warn("The drain failed; going on with the shutdown", e);
      } finally {
        callback.run();
      }
    });
    thread.start();
  }

  @Override
  public boolean isRunning() {
    return running.get();
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  /** Returns what the last drain did; null before any. */
  public DrainReport lastDrain() {
    return lastDrain;
  }

  private DrainReport drain() {
    long start = System.nanoTime();
    long deadline = start + drainTimeout.toNanos();
    MseRegistration own = registration.registrationView();
    Instance instance = own.toInstance();
    CompletableFuture<Void> gone = new CompletableFuture<>();
    NamingListener watcher = event -> {
      if (absent(event, instance)) {
        gone.complete(null);
      }
    };
    boolean watching = watch(own, watcher);
    boolean deregistered = deregister();
    Duration removalSeen = null;
    boolean timedOut = false;
    try {
      if (deregistered && watching) {
        if (naming.getAllInstances(own.getServiceId(), own.getGroup()).stream().noneMatch(instance::sameEndpoint)) {
          gone.complete(null);
        }
        timedOut = !await(gone, deadline);
        if (!timedOut) {
          removalSeen = since(start);
          timedOut = !await(CompletableFuture.runAsync(() -> { },
              CompletableFuture.delayedExecutor(pushMargin.toNanos(), TimeUnit.NANOSECONDS)), deadline);
        }
      }
      Duration idle = null;
      if (!timedOut && inFlight != null) {
        timedOut = !await(inFlight.whenIdle(), deadline);
        idle = timedOut ? null : since(start);
      }
      DrainReport report = new DrainReport(deregistered, removalSeen, idle, since(start), timedOut);
      if (timedOut) {
        LOG.warn("Drain of '{}' ended by mse.discovery.drain-timeout ({}) with {} request(s) in flight; {}",
            own.getServiceId(), drainTimeout, inFlight == null ? "uncounted" : inFlight.current(), report);
      } else {
        LOG.info("Drained '{}' in {} ms (removal seen after {}, idle after {})", own.getServiceId(),
            report.total().toMillis(), removalSeen, idle);
      }
      return report;
    } finally {
      if (watching) {
        naming.unsubscribe(own.getServiceId(), own.getGroup(), watcher);
      }
    }
  }

  private boolean watch(MseRegistration own, NamingListener watcher) {
    try {
      naming.subscribe(own.getServiceId(), own.getGroup(), watcher);
      return true;
    } catch (RuntimeException e) {
      LOG.warn("Cannot follow '{}' to see the removal ({}); draining without it", own.getServiceId(), e.toString());
      return false;
    }
  }

  private boolean deregister() {
    try {
      registration.stop();
      return true;
    } catch (RuntimeException e) {
      LOG.warn("Could not deregister '{}' ({}); it stays registered until its beats or session end",
          registration.registrationView().getServiceId(), e.toString());
      return false;
    }
  }

  private static boolean absent(NamingEvent event, Instance instance) {
    return event.instances().stream().noneMatch(instance::sameEndpoint);
  }

  /** Waits for {@code future} until {@code deadline} (System.nanoTime()); false when the deadline came first. */
  private static boolean await(CompletableFuture<?> future, long deadline) {
    try {
      future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (java.util.concurrent.ExecutionException e) {
      return true;
    }
  }

  private static Duration since(long start) {
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private static Duration notNegative(String name, Duration value) {
    if (value == null || value.isNegative()) {
      throw new IllegalArgumentException(name + " " + value + " is invalid: it must be zero or positive");
    }
    return value;
  }
}

package io.mse.examples.quickstart;

import io.mse.client.config.ConfigService;
import io.mse.client.governance.BulkheadFullException;
import io.mse.client.governance.Governance;
import io.mse.client.governance.GovernanceListener;
import io.mse.client.governance.GovernanceRules;
import io.mse.client.governance.GovernedRequest;
import io.mse.client.governance.RateLimitedException;
import io.mse.client.naming.Instance;
import io.mse.client.naming.NamingService;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The quickstart's governance steps: real HTTP calls to inventory-service through
 * {@code governance.call(...)}, steered by rule documents published into the config center
 * ({@code order-service.governance.json}, group {@code MSE_GOVERNANCE}): a 5% canary, a live weight
 * change, a failing instance ejected, a rate limit rejecting the excess, and a bulkhead refusing
 * calls beyond its concurrency.
 */
final class TrafficSteps {

  static final String INVENTORY = "inventory-service";
  static final String RULES_DATA_ID = "order-service.governance.json";
  static final int CANARY_CALLS = 1000;
  static final int FAILURE_CALLS = 300;
  static final int RATE_LIMIT = 50;
  static final int OFFERED_PER_SECOND = 200;
  static final int MAX_CONCURRENT = 2;
  static final int AT_ONCE = 6;

  private final PrintStream out;
  private final HttpClient http;
  private final ConfigService operatorConfig;
  private final NamingService inventoryNaming;
  private final Governance governance;
  private final GovernedRequest request = GovernedRequest.builder(INVENTORY)
      .resource(INVENTORY + ":GET /stock").method("GET").path("/stock").build();

  /**
   * @param operatorConfig where rules are published (any client of the same config center will do)
   * @param inventoryNaming where the inventory instances register
   * @param governance order-service's governance, reading {@value #RULES_DATA_ID}
   */
  TrafficSteps(PrintStream out, HttpClient http, ConfigService operatorConfig, NamingService inventoryNaming,
      Governance governance) {
    this.out = out;
    this.http = http;
    this.operatorConfig = operatorConfig;
    this.inventoryNaming = inventoryNaming;
    this.governance = governance;
  }

  /** Runs the steps numbered from {@code first}; returns the next step's number. */
  int run(int first, Quickstart steps, NamingService orderNaming) throws Exception {
    try (InventoryServer v1a = new InventoryServer("inventory-3", "v1");
        InventoryServer v1b = new InventoryServer("inventory-4", "v1");
        InventoryServer v2 = new InventoryServer("inventory-5", "v2")) {
      int step = first;
      steps.step(step++, "canary: start inventory-3 and -4 (version=v1) and inventory-5 (version=v2), publish a 5% route to v2");
      for (InventoryServer server : new InventoryServer[] {v1a, v1b, v2}) {
        steps.register(inventoryNaming, server);
      }
      steps.awaitInstances(orderNaming, 4); // inventory-2 is still there, without a version label
      publish(rules(5, false, 0, 0), "5% to v2", r -> weightOfV2(r) == 5);
      double share = canaryShare();
      out.printf("   => a 5%% canary: v2 answered %.1f%% of %d real HTTP calls%n%n", share, CANARY_CALLS);

      steps.step(step++, "change the canary weight live: publish 50% to v2");
      publish(rules(50, false, 0, 0), "50% to v2", r -> weightOfV2(r) == 50);
      share = canaryShare();
      out.printf("   => one config publish, no restart: v2 now answers %.1f%% of %d calls%n%n", share, CANARY_CALLS);

      steps.step(step++, "outlier ejection: publish 'eject after 3 consecutive errors', then make inventory-4 fail");
      publish(rules(50, true, 0, 0), "outlier detection", r -> !r.outlierDetection().isEmpty());
      failAndEject(v1b);

      steps.step(step++, "rate limit: publish " + RATE_LIMIT + " calls/s, then offer " + OFFERED_PER_SECOND + " calls/s for 2 s");
      publish(rules(50, true, RATE_LIMIT, 0), RATE_LIMIT + "/s", r -> !r.rateLimits().isEmpty());
      rateLimit();

      steps.step(step++, "bulkhead: publish 'at most " + MAX_CONCURRENT + " calls at once', then make " + AT_ONCE
          + " calls at once");
      publish(rules(50, true, 0, MAX_CONCURRENT), "bulkhead of " + MAX_CONCURRENT, r -> !r.bulkheads().isEmpty());
      bulkhead();
      return step;
    } finally {
      // The demo's rules must not steer a real application named order-service after it.
      operatorConfig.removeConfig(RULES_DATA_ID, Governance.RULES_GROUP);
      out.printf("   removed %s from the config center%n", RULES_DATA_ID);
    }
  }

  /**
   * The rule document: the canary route, optionally outlier detection, a rate limit and a bulkhead
   * (0: none).
   */
  static String rules(int v2Weight, boolean outlierDetection, int permitsPerSecond, int maxConcurrentCalls) {
    StringBuilder json = new StringBuilder("""
        {"version": 1,
         "routes": [{"service": "inventory-service", "destinations": [
           {"subset": {"version": "v2"}, "weight": %d}, {"subset": {"version": "v1"}, "weight": %d}]}]"""
        .formatted(v2Weight, 100 - v2Weight));
    if (outlierDetection) {
      json.append(",\n \"outlierDetection\": {\"inventory-service\": {\"consecutiveErrors\": 3,"
          + " \"baseEjectionTime\": \"30s\", \"maxEjectionPercent\": 50}}");
    }
    if (permitsPerSecond > 0) {
      json.append(",\n \"rateLimits\": [{\"resource\": \"inventory-service\", \"permitsPerSecond\": ")
          .append(permitsPerSecond).append("}]");
    }
    if (maxConcurrentCalls > 0) {
      json.append(",\n \"bulkheads\": [{\"resource\": \"inventory-service\", \"maxConcurrentCalls\": ")
          .append(maxConcurrentCalls).append("}]");
    }
    return json.append("}\n").toString();
  }

  private static int weightOfV2(GovernanceRules rules) {
    return rules.routes().isEmpty() ? -1 : rules.routes().get(0).destinations().get(0).weight();
  }

  /** Publishes a rule document and waits until order-service's governance has applied it. */
  private void publish(String document, String what, Predicate<GovernanceRules> applied) throws InterruptedException {
    long start = System.nanoTime();
    if (!operatorConfig.publishConfig(RULES_DATA_ID, Governance.RULES_GROUP, document, "json")) {
      throw new IllegalStateException("the config center refused the rule document");
    }
    long deadline = start + TimeUnit.SECONDS.toNanos(10);
    while (!applied.test(governance.rules())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("rules '" + what + "' not applied within 10 s of the publish");
      }
      Thread.sleep(2);
    }
    out.printf("   published %s (%s): in force %.1f ms after the publish%n", RULES_DATA_ID, what,
        (System.nanoTime() - start) / 1e6);
  }

  /** Makes {@link #CANARY_CALLS} governed calls and returns the percentage v2 answered. */
  private double canaryShare() throws Exception {
    int v2 = 0;
    long start = System.nanoTime();
    for (int i = 0; i < CANARY_CALLS; i++) {
      if (governance.call(request, this::fetch).endsWith(" v2")) {
        v2++;
      }
    }
    out.printf("   %d calls through governance.call(...) in %.1f s: v2 %d, v1 %d%n", CANARY_CALLS,
        (System.nanoTime() - start) / 1e9, v2, CANARY_CALLS - v2);
    return 100.0 * v2 / CANARY_CALLS;
  }

  private void failAndEject(InventoryServer failing) throws Exception {
    AtomicInteger calls = new AtomicInteger();
    AtomicInteger ejectedAtCall = new AtomicInteger(-1);
    AtomicLong ejectedAtNanos = new AtomicLong();
    GovernanceListener listener = new GovernanceListener() {
      @Override
      public void onEjection(String service, Instance instance, Duration time, String reason) {
        if (failing.instanceId().equals(instance.metadata().get("instance-id"))) {
          ejectedAtCall.compareAndSet(-1, calls.get());
          ejectedAtNanos.set(System.nanoTime());
          out.printf("   ejected %s at call %d: %s; out for %d s%n", failing.instanceId(), calls.get(), reason,
              time.toSeconds());
        }
      }
    };
    governance.addListener(listener);
    failing.failing(true);
    long start = System.nanoTime();
    int errorsBefore = 0;
    int errorsAfter = 0;
    try {
      for (int i = 1; i <= FAILURE_CALLS; i++) {
        calls.set(i);
        try {
          governance.call(request, this::fetch);
        } catch (IOException e) {
          if (ejectedAtCall.get() < 0 || ejectedAtCall.get() == i) {
            errorsBefore++;
          } else {
            errorsAfter++;
          }
        }
      }
    } finally {
      governance.removeListener(listener);
    }
    if (ejectedAtCall.get() < 0) {
      throw new IllegalStateException(failing.instanceId() + " was not ejected in " + FAILURE_CALLS + " calls");
    }
    out.printf("   %s answered 503 from the first of these calls on, and was out %.1f ms later;"
        + " governance.ejectedInstances: %s%n",
        failing.instanceId(), (ejectedAtNanos.get() - start) / 1e6, ids(governance.ejectedInstances(INVENTORY)));
    out.printf("   => outlier ejection took the failing instance out: errors: %d in calls 1-%d, %d in the %d calls"
        + " after the ejection%n%n", errorsBefore, ejectedAtCall.get(), errorsAfter, FAILURE_CALLS - ejectedAtCall.get());
  }

  private void rateLimit() throws Exception {
    int allowed = 0;
    int rejected = 0;
    long intervalNanos = TimeUnit.SECONDS.toNanos(1) / OFFERED_PER_SECOND;
    long start = System.nanoTime();
    int offered = 2 * OFFERED_PER_SECOND;
    for (int i = 0; i < offered; i++) {
      long due = start + i * intervalNanos;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      try {
        governance.call(request, this::fetch);
        allowed++;
      } catch (RateLimitedException e) {
        rejected++;
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    out.printf("   offered %d calls in %.1f s: %d allowed, %d rejected with RateLimitedException%n", offered, seconds,
        allowed, rejected);
    out.printf("   => the limit of %d/s held (%.0f allowed per second); the excess was refused at once,"
        + " without reaching inventory-service%n%n", RATE_LIMIT, allowed / seconds);
  }

  /**
   * Makes {@link #AT_ONCE} calls at once: the first {@link #MAX_CONCURRENT} are held in flight (their
   * HTTP call waits until the others were tried), the others must be refused at once.
   */
  private void bulkhead() throws Exception {
    ExecutorService callers = Executors.newFixedThreadPool(AT_ONCE, r -> {
      Thread t = new Thread(r, "quickstart-caller");
      t.setDaemon(true);
      return t;
    });
    CountDownLatch inFlight = new CountDownLatch(MAX_CONCURRENT);
    CountDownLatch answer = new CountDownLatch(1);
    try {
      List<Future<String>> admitted = new ArrayList<>();
      for (int i = 0; i < MAX_CONCURRENT; i++) {
        admitted.add(callers.submit(() -> governance.call(request, instance -> {
          inFlight.countDown();
          answer.await(10, TimeUnit.SECONDS);
          return fetch(instance);
        })));
      }
      if (!inFlight.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException(MAX_CONCURRENT + " calls did not get in flight within 10 s");
      }
      long start = System.nanoTime();
      List<Future<String>> excess = new ArrayList<>();
      for (int i = MAX_CONCURRENT; i < AT_ONCE; i++) {
        excess.add(callers.submit(() -> governance.call(request, this::fetch)));
      }
      int refused = 0;
      for (Future<String> call : excess) {
        try {
          call.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof BulkheadFullException)) {
            throw e;
          }
          refused++;
        }
      }
      double refusedMillis = (System.nanoTime() - start) / 1e6;
      answer.countDown();
      List<String> answers = new ArrayList<>();
      for (Future<String> call : admitted) {
        answers.add(call.get(10, TimeUnit.SECONDS));
      }
      if (refused != AT_ONCE - MAX_CONCURRENT) {
        throw new IllegalStateException("the bulkhead refused " + refused + " of the " + (AT_ONCE - MAX_CONCURRENT)
            + " excess calls");
      }
      out.printf("   %d calls at once: %d in flight (answers held back), %d refused with BulkheadFullException"
          + " within %.1f ms%n", AT_ONCE, MAX_CONCURRENT, refused, refusedMillis);
      out.printf("   => the bulkhead held inventory-service to %d concurrent calls: the excess was refused at once,"
          + " without reaching it; the %d in flight then answered: %s%n%n", MAX_CONCURRENT, MAX_CONCURRENT, answers);
    } finally {
      answer.countDown();
      callers.shutdownNow();
    }
  }

  /** One real HTTP call; a 5xx is a failure. Returns "stock from <instance> <version>". */
  private String fetch(Instance instance) throws IOException, InterruptedException {
    HttpRequest get = HttpRequest.newBuilder(URI.create("http://" + instance.address() + "/stock"))
        .timeout(Duration.ofSeconds(2)).build();
    HttpResponse<String> response = http.send(get, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() >= 500) {
      throw new IOException("HTTP " + response.statusCode() + " from " + instance.address() + ": " + response.body());
    }
    return response.body();
  }

  private static String ids(java.util.List<Instance> instances) {
    return instances.stream().map(i -> i.metadata().getOrDefault("instance-id", i.address())).toList().toString();
  }
}

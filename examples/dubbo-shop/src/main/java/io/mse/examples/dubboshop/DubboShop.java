package io.mse.examples.dubboshop;

import io.mse.client.MseClient;
import io.mse.client.dubbo.governance.MseDubboGovernance;
import io.mse.client.dubbo.registry.ShutdownDrain;
import io.mse.client.governance.Governance;
import io.mse.client.naming.Instance;
import io.mse.client.naming.NamingService;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.dubbo.common.Version;

/**
 * The Dubbo example's one command: two instances of a {@code catalog} application serving
 * {@link ProductService} over Dubbo's triple protocol on loopback (releases {@code v1} and
 * {@code v2}, the second labelled {@code release=v2}) and a {@code shop-frontend} calling it, each
 * Dubbo application in a framework of its own, all on the {@code mse://} registry; then governance
 * of the frontend's calls from rules published into the config center (a 20% canary to v2, routing
 * by tag, a rate-limited method, a circuit breaker opening on a failing method, see
 * {@link GovernanceSteps}), the rules removed, and a shutdown that leaves the registry before the
 * protocol stops. Each step prints what it proved, and throws when it did not.
 *
 * <p>Runs on the embedded engine by default ({@code mse://embedded}), or on the Nacos server named by
 * {@code MSE_SERVER_ADDR}, with the credentials of {@code MSE_USERNAME} / {@code MSE_PASSWORD} for a
 * server with auth on and the namespace id of {@code MSE_NAMESPACE} (all optional; the password is
 * never printed).
 */
public final class DubboShop {

  /** The Nacos group of the registry (Dubbo's default, as with {@code nacos://}). */
  static final String GROUP = "DEFAULT_GROUP";
  /** The interface-level service name, as Dubbo's Nacos registry names it: category, interface, version, group. */
  static final String PROVIDERS = "providers:" + ProductService.SERVICE + "::";
  /** The application-level service name: the catalog application. */
  static final String CATALOG = "catalog";
  private static final Duration WAIT = Duration.ofSeconds(20);
  /**
   * Dubbo's shutdown budget (ms): it caps the registry's drain, and a third of it is the longest wait for a
   * recently called service before unexporting it.
   */
  private static final String SHUTDOWN_WAIT = "dubbo.service.shutdown.wait";
  private static final String DUBBO_LOGGER = "dubbo.application.logger";

  private final ShopSettings settings;
  private final PrintStream out;
  private String migrationStep;

  /**
   * @param serverAddr {@code embedded} or a Nacos server's {@code host:port[,host:port]}
   * @param username the user to log in as, or null (or blank) for a server with auth off
   * @param password the password of {@code username}; null is taken for ""
   * @param namespace the namespace id to work in, or null (or blank) for the public namespace
   * @param out where the demo prints what it does; the password never goes there
   * @throws IllegalArgumentException when {@code serverAddr} is null or blank
   */
  public DubboShop(String serverAddr, String username, String password, String namespace, PrintStream out) {
    this.settings = new ShopSettings(serverAddr, username, password, namespace);
    this.out = out;
  }

  /**
   * Sets the frontend's Dubbo {@code migration.step}: {@code FORCE_INTERFACE} (interface-level discovery
   * only), {@code FORCE_APPLICATION}, or null for Dubbo's default ({@code APPLICATION_FIRST}: the
   * application level once it lists providers). For tests of both levels.
   */
  DubboShop migrationStep(String step) {
    this.migrationStep = step;
    return this;
  }

  /** Reads {@code MSE_SERVER_ADDR}, {@code MSE_USERNAME}, {@code MSE_PASSWORD} and {@code MSE_NAMESPACE}. */
  public static void main(String[] args) throws Exception {
    ShopSettings settings = ShopSettings.fromEnvironment(System.getenv());
    new DubboShop(settings.serverAddr(), settings.username(), settings.password(), settings.namespace(), System.out)
        .run();
  }

  /**
   * Runs every step; throws when a step does not prove what it says.
   *
   * @throws IllegalStateException when a step's outcome is not what it should prove
   */
  public void run() throws Exception {
    if (System.getProperty(DUBBO_LOGGER) == null) {
      System.setProperty(DUBBO_LOGGER, "slf4j");   // before Dubbo's first class: it would probe for a logger aloud
    }
    Loopback.forDubbo();
    if (System.getProperty(SHUTDOWN_WAIT) == null) {
      // Dubbo's default is 10 s: up to a third of it waiting for a called service to be idle before
      // unexporting it (by then the triple server is closed already) and up to 2 s of Netty's quiet
      // period per server. 4 s still leaves the registry's drain (step 8: ~0.1 s embedded, ~1.5-2.5 s on
      // Nacos, the push margin included) room to finish.
      System.setProperty(SHUTDOWN_WAIT, "4000");
    }
    Path snapshots = Files.createTempDirectory("mse-dubbo-shop");
    out.printf("mse-client Dubbo shop on %s: Dubbo %s, triple protocol on loopback, each application in a"
        + " Dubbo framework of its own%n%n", settings.describe(), Version.getVersion());
    Catalog v1 = new Catalog("v1");
    Catalog v2 = new Catalog("v2");
    Deque<AutoCloseable> running = new ArrayDeque<>();
    try (MseClient operator = settings.client(snapshots.resolve("operator")).build()) {
      GovernanceSteps governance = new GovernanceSteps(out, operator.config(), v1, v2);
      try {
        step(1, "start catalog v1 and catalog v2 (label release=v2), each registering ProductService on the mse"
            + " registry");
        ShopApp catalogV1 = start(running, ShopApp.catalog(v1, settings, snapshots));
        ShopApp catalogV2 = start(running, ShopApp.catalog(v2, settings, snapshots));
        out.printf("   catalog v1 serves ProductService on tri://127.0.0.1:%d, catalog v2 on tri://127.0.0.1:%d%n",
            catalogV1.port(), catalogV2.port());
        NamingService naming = operator.naming();
        await(() -> naming.getAllInstances(PROVIDERS, GROUP).size() == 2
            && naming.getAllInstances(CATALOG, GROUP).size() == 2, "both catalogs listed at both levels");
        out.printf("   => the registry lists both, as Dubbo's Nacos registry would: '%s' %s, application '%s' %s%n%n",
            PROVIDERS, describe(naming.getAllInstances(PROVIDERS, GROUP)), CATALOG,
            ports(naming.getAllInstances(CATALOG, GROUP)));

        step(2, "start shop-frontend (ProductService referenced by interface only) and call quote()");
        long start = System.nanoTime();
        ShopApp frontend = start(running, ShopApp.frontend(settings, snapshots, migrationStep));
        ProductService shop = frontend.reference.get();
        Map<String, Integer> answers = discover(shop, start);
        out.printf("   shop-frontend calls through %s%n", Directories.describe(frontend.reference));
        Governance frontendGovernance = MseDubboGovernance.installed(frontend.model());
        if (frontendGovernance == null) {
          throw new IllegalStateException("the mse:// registry installed no governance in shop-frontend");
        }
        out.printf("   => shop-frontend found both catalog instances through mse://, by interface alone: %s%n", answers);
        out.printf("   => shop-frontend is governed with no code of its own: its mse:// registry installed mse-client's"
            + " governance from the registry's client, reading %s%n%n", GovernanceSteps.RULES_DATA_ID);

        int next = governance.run(3, this, shop, frontendGovernance);

        step(next, "shut down catalog v2 while shop-frontend runs, as a JVM shutdown would (DubboBootstrap.stop());"
            + " then the rest");
        shutDown(catalogV2, frontend, running, snapshots.resolve("check"));
      } finally {
        governance.removeRules();   // when a step failed before the removal
        close(running);
      }
    } finally {
      deleteRecursively(snapshots);
    }
    long left = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("mse-")).count();
    out.printf("   => every application and client closed; %d mse-client thread(s) left running%n", left);
    out.println("done: every call above was a real Dubbo triple call between applications found through mse://.");
  }

  private static ShopApp start(Deque<AutoCloseable> running, ShopApp app) {
    running.push(app);
    return app.start();
  }

  /** Calls quote() until both releases have answered; returns the answers per release. */
  private Map<String, Integer> discover(ProductService shop, long start) {
    Map<String, Integer> answers = new TreeMap<>();
    long[] first = {-1};
    await(() -> {
      String answer = shop.quote("sku-42");
      if (first[0] < 0) {
        first[0] = System.nanoTime();
        out.printf("   first answer %d ms after shop-frontend began to start: \"%s\"%n",
            TimeUnit.NANOSECONDS.toMillis(first[0] - start), answer);
      }
      answers.merge(release(answer), 1, Integer::sum);
      return answers.size() == 2;
    }, "answers from both catalogs");
    return answers;
  }

  /**
   * Stops catalog v2 while the frontend still runs, as a JVM shutdown would ({@code DubboBootstrap.stop()},
   * nothing before it): Dubbo unregisters it, and the {@code mse://} registry and discovery drain it (wait
   * until the server no longer lists it, then the push margin) before Dubbo stops its protocol. At the
   * moment its triple protocol begins to stop, reads the registry (from the server, by a client that has
   * read nothing before) and the frontend's directory. Then stops everything else.
   */
  private void shutDown(ShopApp catalogV2, ShopApp frontend, Deque<AutoCloseable> running, Path checkSnapshots) {
    int port = catalogV2.port();
    List<List<Integer>> seen = new ArrayList<>();
    long[] protocolStop = new long[1];
    TripleStopCheck.beforeStop(catalogV2.framework, () -> {
      protocolStop[0] = System.nanoTime();
      try (MseClient fresh = settings.client(checkSnapshots).build()) {
        seen.add(ports(fresh.naming().getAllInstances(PROVIDERS, GROUP)));
        seen.add(ports(fresh.naming().getAllInstances(CATALOG, GROUP)));
      }
      seen.add(Directories.ports(frontend.reference));
    });
    ShutdownDrain drain = ShutdownDrain.of(catalogV2.model());
    long start = System.nanoTime();
    catalogV2.close();
    running.remove(catalogV2);
    if (seen.size() != 3) {
      throw new IllegalStateException("catalog v2's triple protocol was not seen stopping: " + seen);
    }
    ShutdownDrain.Report report = drain.lastReport();
    if (report == null || report.timedOut() || report.removalSeen() == null) {
      throw new IllegalStateException("the registry did not drain catalog v2 before its protocol stopped: " + report);
    }
    out.printf("   the mse registry drained it: %d registrations removed, the server stopped listing them %d ms after"
        + " the first removal, drain done (push margin included) after %d ms%n", report.removals(),
        report.removalSeen().toMillis(), report.total().toMillis());
    out.printf("   as its triple protocol began to stop (%d ms after the stop began), the registry read from the server"
        + " listed: interface level %s, application level %s; shop-frontend's directory held %s%n",
        millis(protocolStop[0] - start), seen.get(0), seen.get(1), seen.get(2));
    if (seen.stream().anyMatch(ports -> ports.contains(port))) {
      throw new IllegalStateException("catalog v2 was still registered, or still a provider of shop-frontend, when its"
          + " protocol stopped: " + seen);
    }
    out.println("   => catalog v2 left the mse registry (both levels) and shop-frontend let go of it before its"
        + " protocol stopped, with no wait in the application's code: its closing server could no longer be picked"
        + " for a call");
    out.println("   (in one JVM a stopping triple protocol closes every triple server of the JVM, catalog v1's too:"
        + " Dubbo 3.3 keeps them in one static table; separate processes stop each on its own)");
    close(running);
  }

  private static long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }

  /** The release that answered: the first word of an answer. */
  static String release(String answer) {
    int space = answer.indexOf(' ');
    return space < 0 ? answer : answer.substring(0, space).replace(":", "");
  }

  void step(int number, String what) {
    out.printf("%d. %s%n", number, what);
  }

  /** Waits up to 20 s for {@code condition}, polling every 10 ms. */
  static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not within " + WAIT.toSeconds() + " s: " + what);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + what, e);
      }
    }
  }

  private static String describe(List<Instance> instances) {
    return instances.stream().sorted(Comparator.comparingInt(Instance::port))
        .map(i -> i.address() + " release=" + i.metadata().get("release")).toList().toString();
  }

  private static List<Integer> ports(List<Instance> instances) {
    return instances.stream().map(Instance::port).sorted().toList();
  }

  private void close(Deque<AutoCloseable> running) {
    while (!running.isEmpty()) {
      try {
        running.pop().close();
      } catch (Exception e) {
        out.printf("   could not stop an application: %s%n", e);
      }
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}

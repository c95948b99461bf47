package io.mse.examples.quickstart;

import io.mse.client.MseClient;
import io.mse.client.config.ConfigListener;
import io.mse.client.config.ConfigService;
import io.mse.client.naming.Instance;
import io.mse.client.naming.NamingEvent;
import io.mse.client.naming.NamingService;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The README's first command: two inventory-service instances, an order-service that finds and calls
 * them, a config change reaching a listener, and a deregistration reaching a subscriber; then
 * governance over real HTTP, steered by rules published into the config center (a 5% canary, a live
 * weight change, a failing instance ejected, a rate limit, a bulkhead, see {@link TrafficSteps}) — on the
 * embedded engine by default, or on the server named by {@code MSE_SERVER_ADDR}, with the credentials
 * of {@code MSE_USERNAME} / {@code MSE_PASSWORD} for a server with auth on and the namespace id of
 * {@code MSE_NAMESPACE} (all optional; the password is never printed).
 */
public final class Quickstart {

  private static final String INVENTORY = "inventory-service";
  private static final String DATA_ID = "order-service.properties";
  private static final String GROUP = "DEFAULT_GROUP";

  private final PrintStream out;
  private final String serverAddr;
  private final String username;
  private final String password;
  private final String namespace;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private Consumer<MseClient> onClient = client -> { };

  /**
   * @param serverAddr the server to run against, e.g. {@code embedded} or {@code 127.0.0.1:8848}
   * @param out where the demo prints what it does
   */
  public Quickstart(String serverAddr, PrintStream out) {
    this(serverAddr, null, null, null, out);
  }

  /**
   * @param serverAddr the server to run against, e.g. {@code embedded} or {@code 127.0.0.1:8848}
   * @param username the user to log in as, or null (or blank) for a server with auth off
   * @param password the password of {@code username}; null is taken for ""
   * @param namespace the namespace id to work in, or null (or blank) for the public namespace
   * @param out where the demo prints what it does; the password never goes there
   */
  public Quickstart(String serverAddr, String username, String password, String namespace, PrintStream out) {
    this.serverAddr = serverAddr;
    this.username = blankToNull(username);
    this.password = password == null ? "" : password;
    this.namespace = blankToNull(namespace);
    this.out = out;
  }

  /**
   * Sets what is done with each client the demo makes, right after it is made and before its first
   * use (a test binds metrics to them with it); by default nothing.
   *
   * @return this
   */
  public Quickstart onClient(Consumer<MseClient> onClient) {
    this.onClient = java.util.Objects.requireNonNull(onClient, "onClient");
    return this;
  }

  /** Reads {@code MSE_SERVER_ADDR}, {@code MSE_USERNAME}, {@code MSE_PASSWORD} and {@code MSE_NAMESPACE}. */
  public static void main(String[] args) throws Exception {
    Map<String, String> env = System.getenv();
    new Quickstart(env.getOrDefault("MSE_SERVER_ADDR", "embedded"), env.get("MSE_USERNAME"), env.get("MSE_PASSWORD"),
        env.get("MSE_NAMESPACE"), System.out).run();
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }

  /** Runs every step; throws when a step does not prove what it says. */
  public void run() throws Exception {
    Path snapshots = Files.createTempDirectory("mse-quickstart-snapshots");
    out.printf("mse-client quickstart on '%s'%s%s%n%n", serverAddr,
        username == null ? "" : " as '" + username + "'", namespace == null ? "" : " in namespace '" + namespace + "'");
    try (InventoryServer one = new InventoryServer("inventory-1");
        InventoryServer two = new InventoryServer("inventory-2");
        MseClient inventoryClient = client("inventory-service", snapshots);
        MseClient orderClient = client("order-service", snapshots)) {

      step(1, "start two inventory-service instances and register them");
      Instance first = register(inventoryClient.naming(), one);
      register(inventoryClient.naming(), two);
      NamingService naming = orderClient.naming();
      awaitInstances(naming, 2);
      out.printf("   => order-service's client sees both under the one name '%s'%n%n", INVENTORY);

      step(2, "order-service discovers inventory-service by name and calls it 10 times");
      Map<String, Integer> answers = callInventory(naming, 10, true);
      out.printf("   => order-service found inventory-service by name alone; calls per instance: %s%n%n", answers);

      step(3, "publish " + DATA_ID + ", read it, listen, and change it");
      configRoundTrip(orderClient.config());

      step(4, "deregister inventory-1: the subscriber hears it and traffic moves to inventory-2");
      BlockingQueue<NamingEvent> events = new LinkedBlockingQueue<>();
      naming.subscribe(INVENTORY, GROUP, events::add);
      NamingEvent initial = events.poll(10, TimeUnit.SECONDS);
      if (initial == null) {
        throw new IllegalStateException("the subscriber got no first event within 10 s");
      }
      out.printf("   subscribed: %d instance(s) now%n", initial.instances().size());
      long start = System.nanoTime();
      inventoryClient.naming().deregisterInstance(INVENTORY, GROUP, first);
      NamingEvent removal = events.poll(10, TimeUnit.SECONDS);
      if (removal == null) {
        throw new IllegalStateException("no subscriber event within 10 s of the deregistration");
      }
      out.printf("   subscriber event after %d ms: removed %s, %d instance(s) left%n",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), ids(removal.removed()), removal.instances().size());
      Map<String, Integer> after = callInventory(naming, 5, false);
      if (after.containsKey("inventory-1")) {
        throw new IllegalStateException("inventory-1 still got traffic after its deregistration: " + after);
      }
      out.printf("   => 5 more calls, all answered by: %s%n%n", after);

      TrafficSteps traffic = new TrafficSteps(out, http, inventoryClient.config(), inventoryClient.naming(),
          orderClient.governance());
      int next = traffic.run(5, this, naming);

      step(next, "close the clients and the servers");
    }
    deleteRecursively(snapshots);
    long left = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("mse-")).count();
    out.printf("   => closed; %d client thread(s) left running%n", left);
    out.println("done: every step above ran over real HTTP against a real registry and config center.");
  }

  private MseClient client(String application, Path snapshots) {
    MseClient.Builder builder = MseClient.builder()
        .serverAddr(serverAddr)
        .applicationName(application)
        .snapshotDir(snapshots);
    if (username != null) {
      builder.credentials(username, password);
    }
    if (namespace != null) {
      builder.namespace(namespace);
    }
    MseClient client = builder.build();
    try {
      onClient.accept(client);
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
    return client;
  }

  Instance register(NamingService naming, InventoryServer server) {
    Instance.Builder builder = Instance.builder().ip(server.ip()).port(server.port())
        .metadata("instance-id", server.instanceId());
    if (server.version() != null) {
      builder.metadata("version", server.version());
    }
    Instance instance = builder.build();
    naming.registerInstance(INVENTORY, GROUP, instance);
    out.printf("   registered %s at %s (registry id %s)%n", server.instanceId()
        + (server.version() == null ? "" : " (version=" + server.version() + ")"), instance.address(),
        instance.instanceId());
    return instance;
  }

  void awaitInstances(NamingService naming, int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (naming.getAllInstances(INVENTORY, GROUP).size() < count) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("inventory-service did not show " + count + " instances within 10 s");
      }
      Thread.sleep(20);
    }
  }

  private Map<String, Integer> callInventory(NamingService naming, int calls, boolean print) throws Exception {
    Map<String, Integer> answers = new LinkedHashMap<>();
    for (int i = 1; i <= calls; i++) {
      Instance target = naming.selectOneHealthyInstance(INVENTORY, GROUP);
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + target.address() + "/stock"))
          .timeout(Duration.ofSeconds(2)).build();
      String body = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
      String answeredBy = body.substring(body.lastIndexOf(' ') + 1);
      answers.merge(answeredBy, 1, Integer::sum);
      if (print) {
        out.printf("   call %2d -> %-15s answered \"%s\"%n", i, target.address(), body);
      }
    }
    return answers;
  }

  private void configRoundTrip(ConfigService config) throws Exception {
    config.publishConfig(DATA_ID, GROUP, "greeting=hello", "properties");
    String read = awaitContent(config, "greeting=hello");
    if (!"greeting=hello".equals(read)) {
      throw new IllegalStateException("read back '" + read + "' instead of 'greeting=hello'");
    }
    out.printf("   published and read back: %s%n", read);
    BlockingQueue<String> changes = new LinkedBlockingQueue<>();
    ConfigListener listener = event -> changes.add(event.removed() ? "<removed>" : event.content());
    config.addListener(DATA_ID, GROUP, listener);
    long start = System.nanoTime();
    config.publishConfig(DATA_ID, GROUP, "greeting=hello-again", "properties");
    String changed = changes.poll(10, TimeUnit.SECONDS);
    long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);
    if (!"greeting=hello-again".equals(changed)) {
      throw new IllegalStateException("the listener did not receive the change within 10 s, got: " + changed);
    }
    out.printf("   listener called with '%s' %.1f ms after the publish%n", changed, micros / 1000.0);
    out.printf("   => the config center stores, serves and pushes changes to running code%n%n");
    config.removeListener(DATA_ID, GROUP, listener);
    config.removeConfig(DATA_ID, GROUP);
  }

  private static String awaitContent(ConfigService config, String expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    String content = config.getConfig(DATA_ID, GROUP);
    while (!expected.equals(content) && System.nanoTime() < deadline) {
      Thread.sleep(20); // a real Nacos server makes a publish visible after ~15-100 ms
      content = config.getConfig(DATA_ID, GROUP);
    }
    return content;
  }

  private static void deleteRecursively(Path dir) throws java.io.IOException {
    try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  void step(int number, String what) {
    out.printf("%d. %s%n", number, what);
  }

  private static String ids(java.util.List<Instance> instances) {
    return instances.stream().map(i -> i.metadata().getOrDefault("instance-id", "?") + " (" + i.instanceId() + ")")
        .collect(Collectors.joining(", ", "[", "]"));
  }
}

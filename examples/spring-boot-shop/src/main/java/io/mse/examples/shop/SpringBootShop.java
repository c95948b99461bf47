package io.mse.examples.shop;

import io.mse.client.MseClient;
import io.mse.client.config.ConfigService;
import io.mse.client.governance.Governance;
import io.mse.client.naming.Instance;
import io.mse.client.naming.NamingService;
import io.mse.examples.shop.api.OrderReceipt;
import io.mse.examples.shop.inventory.InventoryServiceApplication;
import io.mse.examples.shop.order.OrderServiceApplication;
import io.mse.examples.shop.order.PromotionProperties;
import io.mse.examples.shop.payment.PaymentServiceApplication;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/**
 * The Spring Boot shop, started by one command: inventory-service (v1 and a v2 canary),
 * payment-service and order-service as Spring Boot applications on mse-client-spring, in this JVM on
 * random ports, on the embedded engine or the server of {@code MSE_SERVER_ADDR} (with
 * {@code MSE_USERNAME} / {@code MSE_PASSWORD} / {@code MSE_NAMESPACE}). As the shop's operator and
 * customer it publishes the shared config and the canary rule, places orders, changes the config live,
 * stops a provider under traffic and shuts everything down, printing what each step proved. It
 * removes what it published. Throws when a step does not prove what it says.
 */
public final class SpringBootShop {

  static final String SHARED_DATA_ID = "shop-shared.yaml";
  static final String SHARED_GROUP = "SHOP";
  static final String RULES_DATA_ID = "order-service.governance.json";
  static final String GROUP = "DEFAULT_GROUP";
  static final List<String> SERVICES = List.of("order-service", "inventory-service", "payment-service");
  static final int CANARY_PERCENT = 10;
  static final int ORDERS = 200;
  static final int GRAY_ORDERS = 20;
  static final int DISCOUNT_PERCENT = 20;

  private final ShopServer server;
  private final PrintStream out;
  private final List<RunningApp> apps = new ArrayList<>();
  private MseClient operator;

  /**
   * @param server the server to run against
   * @param out where the shop prints what it does; the password never goes there
   */
  public SpringBootShop(ShopServer server, PrintStream out) {
    this.server = server;
    this.out = out;
  }

  /** Runs the shop on the server of {@code MSE_SERVER_ADDR} (default: the embedded engine). */
  public static void main(String[] args) throws Exception {
    new SpringBootShop(ShopServer.fromEnvironment(System.getenv()), System.out).run();
  }

  /** Runs every step, then closes every application and removes what it published. */
  public void run() throws Exception {
    Path dir = Files.createTempDirectory("mse-spring-boot-shop-");
    out.printf("mse-client Spring Boot shop on %s%n%n", server);
    long start = System.nanoTime();
    try (MseClient client = server.clientBuilder(dir.resolve("operator")).build()) {
      operator = client;
      try {
        publishSharedConfigAndRules();
        RunningApp order = startApplications(dir);
        discover(order);
        Shopper shopper = new Shopper(await("order-service in the registry", () -> client.naming()
            .selectInstances("order-service", GROUP, true), l -> !l.isEmpty()).get(0).address());
        canary(order, shopper);
        grayOrders(shopper);
        refreshLive(order, shopper);
        new GracefulStop(out, order, apps.get(0), shopper).run(7);
        shutDown(order);
      } finally {
        apps.forEach(RunningApp::close);
        client.config().removeConfig(SHARED_DATA_ID, SHARED_GROUP);
        client.config().removeConfig(RULES_DATA_ID, Governance.RULES_GROUP);
        out.printf("   removed %s and %s from the config center%n", SHARED_DATA_ID, RULES_DATA_ID);
      }
      out.printf("   => registry: %s%n", leftInRegistry());
    }
    deleteRecursively(dir);
    long left = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("mse-")).count();
    out.printf("   => closed; %d mse-client thread(s) left running%n", left);
    out.printf("done in %.1f s: Spring Boot applications found each other, shared a live config and ran a canary"
        + " through mse-client-spring.%n", (System.nanoTime() - start) / 1e9);
  }

  private void publishSharedConfigAndRules() throws InterruptedException {
    step(1, "publish the shop's shared config and order-service's canary rule");
    publish(SHARED_DATA_ID, SHARED_GROUP, sharedConfig(0), "yaml");
    out.printf("   published %s (group %s): shop.currency=EUR, shop.promotion.discount-percent=0%n", SHARED_DATA_ID,
        SHARED_GROUP);
    publish(RULES_DATA_ID, Governance.RULES_GROUP, canaryRule(CANARY_PERCENT), "json");
    out.printf("   published %s (group %s): x-mse-tag gray -> inventory-service v2; otherwise %d%% v2, %d%% v1%n",
        RULES_DATA_ID, Governance.RULES_GROUP, CANARY_PERCENT, 100 - CANARY_PERCENT);
    out.printf("   => the config center holds what the applications import (spring.config.import=mse:%s?group=%s)"
        + " and the rule order-service routes by%n%n", SHARED_DATA_ID, SHARED_GROUP);
  }

  private RunningApp startApplications(Path dir) throws Exception {
    step(2, "start inventory-service (v1 and v2) and payment-service side by side, then order-service,"
        + " on random ports");
    apps.addAll(inParallel(List.of(
        () -> RunningApp.start("inventory-v1", InventoryServiceApplication.class, "inventory-service", server, dir),
        () -> RunningApp.start("inventory-v2", InventoryServiceApplication.class, "inventory-service", server, dir,
            "--mse.discovery.metadata.version=v2", "--shop.inventory.instance=inventory-v2"),
        () -> RunningApp.start("payment", PaymentServiceApplication.class, "payment-service", server, dir)),
        apps::add));
    for (RunningApp provider : apps) {
      printRegistration(provider);
    }
    RunningApp order = RunningApp.start("order", OrderServiceApplication.class, "order-service", server, dir);
    apps.add(order);
    printRegistration(order);
    out.printf("   => each application registered itself with its web server's real (random) port, no code of"
        + " its own%n%n");
    return order;
  }

  /**
   * Runs the tasks on threads of their own and returns their results in order; when any fails, hands
   * the others' results to {@code onFailure} (so that started applications still get closed) and
   * throws the first failure.
   */
  static <T> List<T> inParallel(List<Callable<T>> tasks, Consumer<T> onFailure) throws Exception {
    List<FutureTask<T>> futures = new ArrayList<>();
    for (Callable<T> task : tasks) {
      FutureTask<T> future = new FutureTask<>(task);
      Thread thread = new Thread(future, "shop-" + futures.size());
      thread.setDaemon(true);
      thread.start();
      futures.add(future);
    }
    List<T> results = new ArrayList<>();
    Exception failure = null;
    for (FutureTask<T> future : futures) {
      try {
        results.add(future.get(120, TimeUnit.SECONDS));
      } catch (ExecutionException e) {
        failure = failure != null ? failure : e.getCause() instanceof Exception cause ? cause : e;
      }
    }
    if (failure != null) {
      results.forEach(onFailure);
      throw failure;
    }
    return results;
  }

  private void printRegistration(RunningApp app) throws InterruptedException {
    String service = app.context.getEnvironment().getRequiredProperty("spring.application.name");
    Instance registered = await(app.name + " in the registry", () -> operator.naming()
        .selectInstances(service, GROUP, true).stream().filter(i -> i.port() == app.port).findFirst()
        .orElse(null), i -> i != null);
    out.printf("   %-13s started in %.1f s, web server on port %d; registry: %s %s%s%n", app.name,
        app.startMillis / 1000.0, app.port, service, registered.address(), registered.metadata()
            .containsKey("version") ? " {version=" + registered.metadata().get("version") + "}" : "");
  }

  private void discover(RunningApp order) throws InterruptedException {
    step(3, "order-service's Spring Cloud DiscoveryClient finds the others by name");
    DiscoveryClient discovery = order.bean(DiscoveryClient.class);
    List<String> services = discovery.getServices();
    out.printf("   getServices(): %d service(s), among them %s%n", services.size(),
        SERVICES.stream().filter(services::contains).toList());
    for (String service : List.of("inventory-service", "payment-service")) {
      int expected = service.startsWith("inventory") ? 2 : 1;
      List<ServiceInstance> instances = await(service + " through DiscoveryClient",
          () -> discovery.getInstances(service), l -> l.size() == expected);
      out.printf("   getInstances(\"%s\"): %s%n", service, instances.stream()
          .map(i -> i.getHost() + ":" + i.getPort() + (i.getMetadata().containsKey("version")
              ? " version=" + i.getMetadata().get("version") : ""))
          .sorted().collect(Collectors.joining(", ", "[", "]")));
    }
    out.printf("   => services found each other through the registry, by name alone%n%n");
  }

  private void canary(RunningApp order, Shopper shopper) throws InterruptedException {
    step(4, ORDERS + " orders: order-service's @LoadBalanced RestClient calls http://inventory-service and"
        + " http://payment-service");
    Governance governance = order.bean(Governance.class);
    await("order-service's canary rule", governance::rules, r -> r.routes().size() == 2);
    Map<String, Integer> servedBy = new TreeMap<>();
    for (int i = 1; i <= ORDERS; i++) {
      OrderReceipt receipt = shopper.order("apple", 2, null);
      servedBy.merge(receipt.stock().answeredBy(), 1, Integer::sum);
      if (i <= 3) {
        out.printf("   %s%n", Shopper.describe(receipt));
      }
    }
    int v2 = servedBy.getOrDefault("inventory-v2", 0);
    out.printf("   stock served by: %s%n", servedBy);
    out.printf("   => canary: inventory-v2 served %.1f%% of %d orders (the rule: %d%%), inventory-v1 the rest;"
        + " 0 failed%n%n", 100.0 * v2 / ORDERS, ORDERS, CANARY_PERCENT);
  }

  private void grayOrders(Shopper shopper) {
    step(5, GRAY_ORDERS + " orders with the header x-mse-tag: gray");
    Map<String, Integer> servedBy = new TreeMap<>();
    Map<String, Integer> tagsSeen = new TreeMap<>();
    for (int i = 1; i <= GRAY_ORDERS; i++) {
      OrderReceipt receipt = shopper.order("pear", 1, "gray");
      servedBy.merge(receipt.stock().answeredBy(), 1, Integer::sum);
      tagsSeen.merge("inventory " + receipt.stock().tag() + " / payment " + receipt.payment().tag(), 1, Integer::sum);
    }
    out.printf("   stock served by: %s; tags the providers received: %s%n", servedBy, tagsSeen);
    out.printf("   => the tag went from the order request through order-service to both providers,"
        + " and every gray order reached the v2 canary%n%n");
  }

  private void refreshLive(RunningApp order, Shopper shopper) throws InterruptedException {
    step(6, "change the shared config live: publish " + SHARED_DATA_ID + " with a " + DISCOUNT_PERCENT
        + "% discount");
    PromotionProperties promotion = order.bean(PromotionProperties.class);
    long startedAt = order.context.getStartupDate();
    long published = System.nanoTime();
    publish(SHARED_DATA_ID, SHARED_GROUP, sharedConfig(DISCOUNT_PERCENT), "yaml");
    await("the discount in order-service", promotion::getDiscountPercent, d -> d == DISCOUNT_PERCENT);
    out.printf("   order-service's @ConfigurationProperties bean shop.promotion: discount-percent 0 -> %d,"
        + " %.0f ms after the publish%n", promotion.getDiscountPercent(), (System.nanoTime() - published) / 1e6);
    OrderReceipt receipt = shopper.order("apple", 2, null);
    out.printf("   %s%n", Shopper.describe(receipt));
    out.printf("   => a config publish reached a running application's bean: %s context (started %s), no restart%n%n",
        order.context.getStartupDate() == startedAt && order.context.isActive() ? "same" : "another",
        java.time.Instant.ofEpochMilli(startedAt));
  }

  private void shutDown(RunningApp order) throws Exception {
    step(8, "shut down: order-service first (the caller), then payment-service and inventory-v2 together");
    long orderMillis = order.stop();
    List<Callable<Long>> stops = apps.stream().filter(a -> a.context.isActive())
        .map(a -> (Callable<Long>) a::stop).toList();
    long slowest = inParallel(stops, millis -> { }).stream().mapToLong(Long::longValue).max().orElse(0);
    out.printf("   order-service closed in %.1f s, the two providers in %.1f s (each: deregister, see the removal,"
        + " drain, then stop its web server)%n", orderMillis / 1000.0, slowest / 1000.0);
  }

  private String leftInRegistry() throws InterruptedException {
    NamingService naming = operator.naming();
    Map<String, Integer> left = await("the shop's instances gone", () -> SERVICES.stream().collect(
        Collectors.toMap(s -> s, s -> naming.selectInstances(s, GROUP, false).size(), Integer::sum, TreeMap::new)),
        m -> m.values().stream().allMatch(n -> n == 0));
    return left.values().stream().mapToInt(Integer::intValue).sum() + " instance(s) of " + SERVICES + " left";
  }

  /** Publishes and waits until the config center serves it (a real Nacos takes ~15-100 ms). */
  private void publish(String dataId, String group, String content, String type) throws InterruptedException {
    ConfigService config = operator.config();
    if (!config.publishConfig(dataId, group, content, type)) {
      throw new IllegalStateException("the config center refused " + dataId);
    }
    await(dataId + " served", () -> config.getConfig(dataId, group), content::equals);
  }

  static String sharedConfig(int discountPercent) {
    return """
        shop:
          currency: EUR
          promotion:
            discount-percent: %d
        """.formatted(discountPercent);
  }

  static String canaryRule(int v2Percent) {
    return """
        {"version": 1,
         "routes": [
           {"service": "inventory-service", "match": {"tag": "gray"},
            "destinations": [{"subset": {"version": "v2"}}]},
           {"service": "inventory-service",
            "destinations": [{"subset": {"version": "v2"}, "weight": %d}, {"subset": {"version": "v1"}, "weight": %d}]}]}
        """.formatted(v2Percent, 100 - v2Percent);
  }

  /**
   * Polls {@code probe} every 20 ms until {@code done} holds, for at most 15 s.
   *
   * @throws IllegalStateException naming {@code what} when it does not hold in time
   */
  static <T> T await(String what, java.util.function.Supplier<T> probe, java.util.function.Predicate<T> done)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    T value = probe.get();
    while (!done.test(value)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(what + ": not so within 15 s, last seen: " + value);
      }
      Thread.sleep(20);
      value = probe.get();
    }
    return value;
  }

  void step(int number, String what) {
    out.printf("%d. %s%n", number, what);
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}

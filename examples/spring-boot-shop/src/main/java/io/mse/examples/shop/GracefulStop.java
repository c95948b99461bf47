package io.mse.examples.shop;

import io.mse.client.naming.NamingListener;
import io.mse.client.naming.NamingService;
import io.mse.examples.shop.api.OrderReceipt;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The shop's step "stop inventory-v1 while orders keep coming": a customer thread places orders
 * without pause while inventory-v1's context closes. It proves, from order-service's side, that the
 * instance left the registry while its web server still answered (deregistration first, then the
 * drain, then the web server's stop), that no order failed, and that no order begun after
 * order-service saw the removal went to inventory-v1 (its load balancer reads the live registry
 * cache). Used once, from the launcher's thread.
 */
final class GracefulStop {

  private static final String INVENTORY = "inventory-service";

  private final PrintStream out;
  private final RunningApp order;
  private final RunningApp leaving;
  private final Shopper shopper;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final AtomicLong removalSeenAt = new AtomicLong();
  private final AtomicReference<String> webServerAtRemoval = new AtomicReference<>("not probed");
  private final AtomicInteger orders = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicInteger toLeavingAfterRemoval = new AtomicInteger();
  private final AtomicReference<String> firstFailure = new AtomicReference<>();
  private volatile boolean shopping = true;

  GracefulStop(PrintStream out, RunningApp order, RunningApp leaving, Shopper shopper) {
    this.out = out;
    this.order = order;
    this.leaving = leaving;
    this.shopper = shopper;
  }

  void run(int step) throws InterruptedException {
    out.printf("%d. stop %s (close its context, as SIGTERM would) while orders keep coming%n", step, leaving.name);
    NamingService naming = order.bean(NamingService.class);
    NamingListener listener = event -> {
      if (removalSeenAt.get() == 0 && event.instances().stream().noneMatch(i -> i.port() == leaving.port)) {
        removalSeenAt.set(System.nanoTime());
        webServerAtRemoval.set(probeLeavingWebServer());
      }
    };
    naming.subscribe(INVENTORY, SpringBootShop.GROUP, listener);
    Thread customer = new Thread(this::shop, "shop-customer");
    customer.setDaemon(true);
    customer.start();
    SpringBootShop.await("orders flowing", orders::get, n -> n >= 20);
    int beforeClose = orders.get();
    long closeStarted = System.nanoTime();
    long closeMillis = leaving.stop();
    int atClose = orders.get();
    SpringBootShop.await("orders after the close", orders::get, n -> n >= atClose + 20);
    shopping = false;
    customer.join(10_000);
    naming.unsubscribe(INVENTORY, SpringBootShop.GROUP, listener);
    if (removalSeenAt.get() == 0) {
      throw new IllegalStateException("order-service never saw " + leaving.name + " leave the registry");
    }
    out.printf("   order-service's registry view lost %s %.0f ms after the close began; its web server, asked"
        + " right then: %s%n", leaving.name, (removalSeenAt.get() - closeStarted) / 1e6, webServerAtRemoval.get());
    out.printf("   %s closed in %.1f s; %d orders during and after the close (of %d placed, %d failed%s); orders"
        + " begun after the removal was seen that %s served: %d%n", leaving.name, closeMillis / 1000.0,
        orders.get() - beforeClose, orders.get(), failed.get(),
        firstFailure.get() == null ? "" : ", the first: " + firstFailure.get(), leaving.name,
        toLeavingAfterRemoval.get());
    out.printf("   => deregistration came before the web server stopped, then a drain: no order failed, and"
        + " traffic moved to inventory-v2 at once%n%n");
  }

  private void shop() {
    while (shopping) {
      long begun = System.nanoTime();
      try {
        OrderReceipt receipt = shopper.order("plum", 1, null);
        long seen = removalSeenAt.get();
        if (seen != 0 && begun > seen && receipt.stock().answeredBy().equals(leaving.name)) {
          toLeavingAfterRemoval.incrementAndGet();
        }
      } catch (RuntimeException e) {
        failed.incrementAndGet();
        firstFailure.compareAndSet(null, e.toString());
      }
      orders.incrementAndGet();
    }
  }

  private String probeLeavingWebServer() {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + leaving.port + "/stock/probe"))
        .timeout(Duration.ofSeconds(2)).build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return "HTTP " + response.statusCode() + " (still serving)";
    } catch (java.io.IOException e) {
      return "no answer (" + e + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }
}

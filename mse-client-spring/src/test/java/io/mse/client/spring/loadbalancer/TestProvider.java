package io.mse.client.spring.loadbalancer;

import com.sun.net.httpserver.HttpServer;
import io.mse.client.governance.TagContext;
import io.mse.client.naming.Instance;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One instance of a provider service: an HTTP server on a random loopback port that answers every
 * path with its name (status 200, or the status set), counts its requests and records the
 * {@code x-mse-tag} header each one carried. Its {@link #instance()} is what tests register.
 */
public final class TestProvider implements AutoCloseable {

  private static final AtomicInteger THREADS = new AtomicInteger();

  public final String name;
  private final String[] labels;
  private final HttpServer server;
  private final ExecutorService executor;
  public final AtomicInteger hits = new AtomicInteger();
  /** The tag header of each request, "-" when it had none. */
  public final List<String> tags = new CopyOnWriteArrayList<>();
  private volatile int status = 200;
  private volatile CountDownLatch hold;

  private TestProvider(String name, String[] labels) throws IOException {
    this.name = name;
    this.labels = labels;
    this.executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "test-provider-" + THREADS.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/", exchange -> {
      hits.incrementAndGet();
      String tag = exchange.getRequestHeaders().getFirst(TagContext.HEADER);
      tags.add(tag == null ? "-" : tag);
      CountDownLatch latch = hold;
      if (latch != null) {
        try {
          latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      byte[] body = name.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
  }

  /** Starts a provider answering with {@code name}, whose instance carries the metadata {@code labels} (key, value...). */
  public static TestProvider start(String name, String... labels) throws IOException {
    return new TestProvider(name, labels);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** The instance to register: 127.0.0.1, its port, its labels. */
  public Instance instance() {
    Instance.Builder b = Instance.builder().ip("127.0.0.1").port(port());
    for (int i = 0; i < labels.length; i += 2) {
      b.metadata(labels[i], labels[i + 1]);
    }
    return b.build();
  }

  /** Answers every later request with {@code status}. */
  public TestProvider answer(int status) {
    this.status = status;
    return this;
  }

  /** Holds every later request until the returned latch is counted down (at most 30 s). */
  public CountDownLatch hold() {
    CountDownLatch latch = new CountDownLatch(1);
    hold = latch;
    return latch;
  }

  @Override
  public void close() {
    CountDownLatch latch = hold;
    if (latch != null) {
      latch.countDown();
    }
    server.stop(0);
    executor.shutdownNow();
  }
}

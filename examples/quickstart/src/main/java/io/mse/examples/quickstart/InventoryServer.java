package io.mse.examples.quickstart;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A tiny HTTP service on a free loopback port that answers every request with its instance id (and
 * its version label, when it has one), or with a 503 while it is made to fail.
 */
final class InventoryServer implements AutoCloseable {

  static {
    // The JDK's server writes a response's headers and body separately; without TCP_NODELAY, Nagle's
    // algorithm and the client's delayed ACK add ~40 ms to every keep-alive call on loopback.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private final String instanceId;
  private final String version;
  private final HttpServer server;
  private volatile boolean failing;

  InventoryServer(String instanceId) throws IOException {
    this(instanceId, null);
  }

  InventoryServer(String instanceId, String version) throws IOException {
    this.instanceId = instanceId;
    this.version = version;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      int status = failing ? 503 : 200;
      String text = failing ? instanceId + " is failing"
          : "stock from " + instanceId + (version == null ? "" : " " + version);
      byte[] body = text.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
  }

  String instanceId() {
    return instanceId;
  }

  /** Returns the {@code version} label this instance registers with; null when none. */
  String version() {
    return version;
  }

  /** Makes every following request fail with 503 (true) or succeed again (false). */
  void failing(boolean failing) {
    this.failing = failing;
  }

  String ip() {
    return server.getAddress().getAddress().getHostAddress();
  }

  int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

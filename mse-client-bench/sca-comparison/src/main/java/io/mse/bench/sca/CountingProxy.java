package io.mse.bench.sca;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on a loopback port in front of a server port that counts, in what clients send, the
 * occurrences of marker strings: HTTP request lines of the Nacos open API ({@code GET
 * /nacos/v1/cs/configs?}) and the request types of Nacos's gRPC protocol, which travel as plain
 * strings in each payload's metadata ({@code ConfigQueryRequest}; nacos-client does not compress
 * them). A marker split across reads is still counted once. Closing it closes every connection.
 */
final class CountingProxy implements AutoCloseable {

  private final ServerSocket server;
  private final int targetPort;
  private final List<byte[]> markers;
  private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final int carry;

  CountingProxy(int listenPort, int targetPort, List<String> markers) throws IOException {
    this.server = new ServerSocket();
    this.server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort));
    this.targetPort = targetPort;
    this.markers = markers.stream().map(m -> m.getBytes(StandardCharsets.US_ASCII)).toList();
    this.carry = markers.stream().mapToInt(String::length).max().orElse(1) - 1;
    markers.forEach(m -> counts.put(m, new AtomicLong()));
    Thread acceptor = new Thread(this::accept, "cmp-proxy-" + listenPort);
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** The counts since the last reset, in the markers' order. */
  Map<String, Long> counts() {
    Map<String, Long> result = new LinkedHashMap<>();
    markers.forEach(m -> {
      String key = new String(m, StandardCharsets.US_ASCII);
      result.put(key, counts.get(key).get());
    });
    return result;
  }

  void reset() {
    counts.values().forEach(c -> c.set(0));
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        sockets.add(client);
        sockets.add(upstream);
        pump(client, upstream, true);
        pump(upstream, client, false);
      } catch (IOException e) {
        // closed, or the server refused: the client sees its connection dropped
      }
    }
  }

  private void pump(Socket from, Socket to, boolean count) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[16384 + carry];
      int kept = 0;
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buffer, kept, buffer.length - kept)) > 0) {
          out.write(buffer, kept, n);
          out.flush();
          if (count) {
            int end = kept + n;
            countIn(buffer, end, kept);
            kept = Math.min(carry, end);
            System.arraycopy(buffer, end - kept, buffer, 0, kept);
          }
        }
      } catch (IOException e) {
        // one side closed
      } finally {
        close(from);
        close(to);
      }
    }, "cmp-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  /** Counts the markers that end after {@code fresh} (those ending in the carried bytes were counted before). */
  private void countIn(byte[] buffer, int end, int fresh) {
    for (byte[] marker : markers) {
      for (int i = 0; i + marker.length <= end; i++) {
        if (i + marker.length > fresh && matches(buffer, i, marker)) {
          counts.get(new String(marker, StandardCharsets.US_ASCII)).incrementAndGet();
        }
      }
    }
  }

  private static boolean matches(byte[] buffer, int at, byte[] marker) {
    for (int j = 0; j < marker.length; j++) {
      if (buffer[at + j] != marker[j]) {
        return false;
      }
    }
    return true;
  }

  private static void close(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    sockets.forEach(CountingProxy::close);
  }
}

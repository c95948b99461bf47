package io.mse.client.spring.loadbalancer;

import io.mse.client.naming.Instance;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A provider instance that answers each request only after {@code delay}, on a plain socket, so that
 * it sees what the caller does meanwhile: a connection the caller closes before the answer (an
 * aborted exchange) is counted in {@link #abortedByCaller}; a request waited out is answered
 * ({@code 200 slow}, connection closed) and counted in {@link #answered}.
 */
final class SlowProvider implements AutoCloseable {

  private static final AtomicInteger THREADS = new AtomicInteger();

  private final ServerSocket server;
  private final Duration delay;
  private final ExecutorService executor;
  /** Requests received (their headers read). */
  final AtomicInteger hits = new AtomicInteger();
  /** Requests whose connection the caller closed before the answer. */
  final AtomicInteger abortedByCaller = new AtomicInteger();
  /** Requests answered after the delay. */
  final AtomicInteger answered = new AtomicInteger();

  SlowProvider(Duration delay) throws IOException {
    this.delay = delay;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "slow-provider-" + THREADS.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    executor.execute(this::accept);
  }

  int port() {
    return server.getLocalPort();
  }

  Instance instance() {
    return Instance.builder().ip("127.0.0.1").port(port()).build();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        executor.execute(() -> serve(socket));
      } catch (IOException closed) {
        return;
      }
    }
  }

  /** Reads one request's headers, then waits for the caller to close or the delay to pass. */
  private void serve(Socket socket) {
    try (socket) {
      InputStream in = socket.getInputStream();
      if (!readHeaders(in)) {
        return;
      }
      hits.incrementAndGet();
      socket.setSoTimeout((int) delay.toMillis());
      try {
        // a request without body: the next read ends with the caller's close, or times out
        while (in.read() >= 0) {
          // a body or a stray byte: keep waiting
        }
        abortedByCaller.incrementAndGet();
      } catch (SocketTimeoutException waitedOut) {
        byte[] body = "slow".getBytes(StandardCharsets.US_ASCII);
        OutputStream out = socket.getOutputStream();
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length
            + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        answered.incrementAndGet();
      } catch (SocketException reset) {
        abortedByCaller.incrementAndGet();
      }
    } catch (IOException e) {
      // the caller went away while the headers were read: nothing to count
    }
  }

  /** Reads up to the blank line ending the headers; false when the connection ended first. */
  private static boolean readHeaders(InputStream in) throws IOException {
    int matched = 0;
    int b;
    while ((b = in.read()) >= 0) {
      matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
          ? matched + 1 : 0;
      if (matched == 4) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() throws IOException {
    server.close();
    executor.shutdownNow();
  }
}

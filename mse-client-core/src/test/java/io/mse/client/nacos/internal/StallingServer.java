package io.mse.client.nacos.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw HTTP/1.1 stub on 127.0.0.1 that stalls every request: it accepts the connection and then
 * never answers, or answers the status line and headers (200, {@code Content-Length: 100}) and two
 * bytes of the body, then nothing more. Connections stay open until {@link #close()}.
 */
final class StallingServer implements AutoCloseable {

  enum Mode { NEVER_ANSWERS, STALLS_AFTER_HEADERS }

  private final Mode mode;
  private final ServerSocket socket;
  private final List<Socket> accepted = new CopyOnWriteArrayList<>();
  /** Requests whose headers were read. */
  final AtomicInteger requests = new AtomicInteger();

  StallingServer(Mode mode) throws IOException {
    this.mode = mode;
    this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "stalling-server-" + socket.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  String address() {
    return "127.0.0.1:" + socket.getLocalPort();
  }

  private void accept() {
    while (!socket.isClosed()) {
      try {
        Socket connection = socket.accept();
        accepted.add(connection);
        Thread reader = new Thread(() -> serve(connection), "stalling-server-connection");
        reader.setDaemon(true);
        reader.start();
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void serve(Socket connection) {
    try (connection) {
      InputStream in = connection.getInputStream();
      int matched = 0;
      byte[] end = {'\r', '\n', '\r', '\n'};
      while (matched < end.length) {
        int b = in.read();
        if (b < 0) {
          return;
        }
        matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
      }
      requests.incrementAndGet();
      if (mode == Mode.STALLS_AFTER_HEADERS) {
        OutputStream out = connection.getOutputStream();
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: 100\r\n\r\nk=")
            .getBytes(StandardCharsets.US_ASCII));
        out.flush();
      }
      while (in.read() >= 0) {
        // stall: read whatever comes until the client gives up and closes
      }
    } catch (IOException closed) {
      // the client or close() ended the connection
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
    for (Socket connection : accepted) {
      connection.close();
    }
  }
}

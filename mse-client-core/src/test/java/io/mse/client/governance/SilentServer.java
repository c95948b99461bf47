package io.mse.client.governance;

import io.mse.client.naming.Instance;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP server that accepts connections and never answers, counting the connections its
 * clients closed (it reads until the end of the stream): how a test sees that a call was really
 * cancelled rather than abandoned.
 */
final class SilentServer implements AutoCloseable {

  private final ServerSocket socket;
  private final List<Socket> accepted = new CopyOnWriteArrayList<>();
  final AtomicInteger connections = new AtomicInteger();
  final AtomicInteger closedByClient = new AtomicInteger();

  SilentServer() throws IOException {
    socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "silent-server-" + socket.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  Instance instance() {
    return Instance.builder().ip("127.0.0.1").port(socket.getLocalPort()).build();
  }

  private void accept() {
    while (!socket.isClosed()) {
      try {
        Socket connection = socket.accept();
        accepted.add(connection);
        connections.incrementAndGet();
        Thread reader = new Thread(() -> drain(connection), "silent-server-connection");
        reader.setDaemon(true);
        reader.start();
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void drain(Socket connection) {
    try (InputStream in = connection.getInputStream()) {
      while (in.read() >= 0) {
        // never answer
      }
      closedByClient.incrementAndGet();
    } catch (IOException e) {
      closedByClient.incrementAndGet();   // a reset by the client
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
    for (Socket s : accepted) {
      s.close();
    }
  }
}

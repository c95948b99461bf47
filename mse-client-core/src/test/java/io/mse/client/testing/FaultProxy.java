package io.mse.client.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback TCP proxy that injects network faults between a client and a real server (a Nacos
 * server, WireMock, ZooKeeper): what a healthy server cannot be made to do on its own. It listens on
 * a free port of 127.0.0.1 and forwards every connection to the upstream {@code host:port}, two
 * daemon threads per connection ({@code fault-proxy-<port>-...}).
 *
 * <p>Faults, each in force until {@link #heal()} or another fault replaces it:
 * <ul>
 *   <li>{@link #refuse()}: the port stops listening (new connections are refused, {@code ECONNREFUSED})
 *       and open connections are closed — a dead server or a closed port;</li>
 *   <li>{@link #drop()}: new connections are accepted but what they send is discarded and nothing is
 *       answered; open connections are closed — a black hole (a partition, a frozen host);</li>
 *   <li>{@link #stall()}: nothing flows on any connection, open or new, either way, and nothing is
 *       closed; what was held flows on after {@link #heal()} — a frozen server process;</li>
 *   <li>{@link #delay(Duration)}: every chunk of an answer is held for a while before it is passed on;</li>
 *   <li>{@link #slow(Duration)}: answers are passed on one byte at a time, each after a pause;</li>
 *   <li>{@link #truncate(int)}: each connection passes on only so many bytes of answers, then closes;</li>
 *   <li>{@link #resetAll()}: every connection, open and new, is reset (TCP RST).</li>
 * </ul>
 * {@link #cut()} closes the open connections once and leaves the mode as it is (a load balancer's
 * idle cut, a server restart seen from the network).
 *
 * <p>It also counts the connections it accepted and keeps the HTTP request lines ({@code POST /path},
 * without the query string) it saw go upstream, so a test can tell how many logins or polls a client
 * made: a request line is recognized at the start of a chunk (requests of a few KiB arrive whole on
 * loopback), so the count is exact for small requests and a lower bound for large ones.
 *
 * <p>Thread-safe. {@link #close()} stops listening and closes every connection.
 */
public final class FaultProxy implements AutoCloseable {

  /** What the proxy does to the traffic. */
  public enum Mode { PASS, REFUSE, DROP, STALL, DELAY, SLOW, TRUNCATE, RESET }

  private static final Pattern REQUEST_LINE = Pattern.compile(
      "^(GET|POST|PUT|DELETE|HEAD|PATCH|OPTIONS) (/[^ ?]*)[^ ]* HTTP/1\\.[01]\r\n");

  private final String upstreamHost;
  private final int upstreamPort;
  private final int port;
  private final Object lock = new Object();
  private final Set<Link> links = ConcurrentHashMap.newKeySet();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger threadIds = new AtomicInteger();
  /** Guarded by lock. */
  private ServerSocket listener;
  private volatile Mode mode = Mode.PASS;
  private volatile long pauseNanos;
  private volatile int truncateAfter;
  private volatile boolean closed;

  private FaultProxy(String upstreamHost, int upstreamPort) throws IOException {
    this.upstreamHost = upstreamHost;
    this.upstreamPort = upstreamPort;
    ServerSocket socket = newListener(0);
    this.port = socket.getLocalPort();
    synchronized (lock) {
      listener = socket;
    }
    startAcceptor(socket);
  }

  /**
   * Starts a proxy on a free loopback port in front of {@code upstreamHost:upstreamPort}, passing
   * traffic through.
   *
   * @throws IOException when no port could be bound
   */
  public static FaultProxy start(String upstreamHost, int upstreamPort) throws IOException {
    return new FaultProxy(upstreamHost, upstreamPort);
  }

  /** Starts a proxy in front of {@code 127.0.0.1:upstreamPort}. */
  public static FaultProxy start(int upstreamPort) throws IOException {
    return start("127.0.0.1", upstreamPort);
  }

  /** The port clients connect to (the same across {@link #refuse()} and {@link #heal()}). */
  public int port() {
    return port;
  }

  /** {@code 127.0.0.1:<port>}, for a client's server address. */
  public String address() {
    return "127.0.0.1:" + port;
  }

  /** The fault in force. */
  public Mode mode() {
    return mode;
  }

  /** Connections accepted so far. */
  public int connections() {
    return accepted.get();
  }

  /** The request lines seen so far, as {@code METHOD /path} (no query string), in order. */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  /** How many requests seen so far had this method and path, e.g. {@code count("POST", "/nacos/v1/auth/login")}. */
  public long count(String method, String path) {
    String line = method + " " + path;
    return requests.stream().filter(line::equals).count();
  }

  /** Passes traffic through again (reopening the port after {@link #refuse()}); held data flows on. */
  public void heal() throws IOException {
    synchronized (lock) {
      mode = Mode.PASS;
      lock.notifyAll();
      if (listener == null && !closed) {
        ServerSocket socket = newListener(port);
        listener = socket;
        startAcceptor(socket);
      }
    }
  }

  /** Stops listening and closes the open connections: connections are refused until {@link #heal()}. */
  public void refuse() {
    synchronized (lock) {
      mode = Mode.REFUSE;
      closeListener();
    }
    closeLinks(false);
  }

  /** Accepts connections but answers nothing and discards what they send; closes the open ones. */
  public void drop() {
    mode = Mode.DROP;
    closeLinks(false);
  }

  /** Freezes every connection, open and new, without closing any. */
  public void stall() {
    mode = Mode.STALL;
  }

  /** Holds every chunk of an answer for {@code pause} before passing it on. */
  public void delay(Duration pause) {
    pauseNanos = pause.toNanos();
    mode = Mode.DELAY;
  }

  /** Passes answers on one byte at a time, each after {@code pause}. */
  public void slow(Duration pause) {
    pauseNanos = pause.toNanos();
    mode = Mode.SLOW;
  }

  /** Passes on at most {@code bytes} bytes of answers per connection, then closes it. */
  public void truncate(int bytes) {
    truncateAfter = bytes;
    mode = Mode.TRUNCATE;
  }

  /** Resets (TCP RST) every open connection, and every new one until {@link #heal()}. */
  public void resetAll() {
    mode = Mode.RESET;
    closeLinks(true);
  }

  /** Closes the open connections once (FIN), whatever the mode. */
  public void cut() {
    closeLinks(false);
  }

  @Override
  public void close() {
    closed = true;
    synchronized (lock) {
      lock.notifyAll();
      closeListener();
    }
    closeLinks(false);
  }

  private ServerSocket newListener(int wanted) throws IOException {
    ServerSocket socket = new ServerSocket();
    socket.setReuseAddress(true);
    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), wanted), 200);
    return socket;
  }

  private void closeListener() {
    if (listener != null) {
      try {
        listener.close();
      } catch (IOException ignored) {
        // closing
      }
      listener = null;
    }
  }

  private void closeLinks(boolean reset) {
    List<Link> open = new ArrayList<>(links);
    for (Link link : open) {
      link.close(reset);
    }
  }

  private void startAcceptor(ServerSocket socket) {
    Thread acceptor = new Thread(() -> acceptLoop(socket), "fault-proxy-" + port + "-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void acceptLoop(ServerSocket socket) {
    while (!socket.isClosed()) {
      Socket client;
      try {
        client = socket.accept();
      } catch (IOException e) {
        return; // refused or closed
      }
      accepted.incrementAndGet();
      Link link = new Link(client);
      links.add(link);
      Mode now = mode;
      if (now == Mode.RESET) {
        link.close(true);
      } else if (now == Mode.DROP) {
        link.discard();
      } else {
        link.open();
      }
    }
  }

  /** Waits while the proxy stalls; returns false once it is closed. */
  private boolean awaitFlow() {
    synchronized (lock) {
      while (mode == Mode.STALL && !closed) {
        try {
          lock.wait(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return !closed;
    }
  }

  private static void pause(long nanos) {
    try {
      TimeUnit.NANOSECONDS.sleep(nanos); // the proxy's own pacing of a slow answer, not a test's wait
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One client connection and its upstream connection. */
  private final class Link {
    final Socket client;
    volatile Socket upstream;
    final AtomicInteger answered = new AtomicInteger();

    Link(Socket client) {
      this.client = client;
    }

    void open() {
      try {
        Socket up = new Socket();
        up.connect(new InetSocketAddress(upstreamHost, upstreamPort), 5000);
        upstream = up;
      } catch (IOException e) {
        close(true); // upstream down: the client sees a reset, as from a dead host behind a proxy
        return;
      }
      thread("up", () -> pump(client, upstream, true));
      thread("down", () -> pump(upstream, client, false));
    }

    void discard() {
      thread("drop", () -> {
        try (InputStream in = client.getInputStream()) {
          in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException ignored) {
          // closed
        } finally {
          close(false);
        }
      });
    }

    private void thread(String role, Runnable body) {
      Thread t = new Thread(body, "fault-proxy-" + port + "-" + role + "-" + threadIds.incrementAndGet());
      t.setDaemon(true);
      t.start();
    }

    private void pump(Socket from, Socket to, boolean request) {
      byte[] buffer = new byte[16 * 1024];
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          if (!awaitFlow()) {
            break;
          }
          if (request) {
            record(buffer, n);
            out.write(buffer, 0, n);
            out.flush();
          } else if (!answer(out, buffer, n)) {
            break;
          }
        }
      } catch (IOException e) {
        // one side closed or reset: the other follows below
      } finally {
        close(false);
      }
    }

    /** Passes on a chunk of an answer under the current mode; false once the connection must end. */
    private boolean answer(OutputStream out, byte[] buffer, int n) throws IOException {
      Mode now = mode;
      switch (now) {
        case DELAY -> {
          pause(pauseNanos);
          out.write(buffer, 0, n);
        }
        case SLOW -> {
          for (int i = 0; i < n; i++) {
            pause(pauseNanos);
            out.write(buffer[i]);
            out.flush();
          }
        }
        case TRUNCATE -> {
          int allowed = Math.max(0, truncateAfter - answered.get());
          out.write(buffer, 0, Math.min(n, allowed));
          out.flush();
          answered.addAndGet(Math.min(n, allowed));
          if (n >= allowed) {
            return false;
          }
        }
        case DROP, REFUSE -> {
          return false;
        }
        case RESET -> {
          close(true);
          return false;
        }
        default -> out.write(buffer, 0, n);
      }
      out.flush();
      return true;
    }

    private void record(byte[] buffer, int n) {
      String start = new String(buffer, 0, Math.min(n, 2048), StandardCharsets.ISO_8859_1);
      Matcher m = REQUEST_LINE.matcher(start);
      if (m.find()) {
        requests.add(m.group(1) + " " + m.group(2));
      }
    }

    void close(boolean reset) {
      links.remove(this);
      closeSocket(client, reset);
      Socket up = upstream;
      if (up != null) {
        closeSocket(up, false);
      }
    }

    private void closeSocket(Socket socket, boolean reset) {
      try {
        if (reset && !socket.isClosed()) {
          socket.setSoLinger(true, 0); // close() then sends RST instead of FIN
        }
        socket.close();
      } catch (SocketException ignored) {
        // already closed
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }
}

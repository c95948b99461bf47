package io.mse.client.nacos.internal;

import io.mse.client.ClientStats;
import io.mse.client.ServerStatus;
import io.mse.client.ServerUnavailableException;
import io.mse.client.Ticker;
import io.mse.client.spi.Backoff;
import io.mse.client.spi.StatsRecorder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a transport's requests share about its servers: the server the next request starts at (the
 * last one that answered, or the one after the first server of a request that found none), whether
 * the servers answer ({@link #status()}: unreachable from the first request no server answered until
 * one answers again), which servers rest after failing, and which answers are server faults. The
 * attempts of each request are {@link Attempts}.
 *
 * <p><b>Rest after a failure.</b> A server that failed an attempt (no answer in time, a refused or reset
 * connection, a server fault) rests for a back-off with jitter ({@link Backoff#jittered}: 1 s doubling
 * with each consecutive failure up to 30 s, each wait drawn from its upper half), ended at once by an
 * answer. A round of attempts tries the servers that do not rest first and those that rest last (the
 * soonest back first): a resting server is not skipped, so a read never fails for the back-off alone
 * while time is left, but it gets an attempt only when every other server failed that request too —
 * a dead node of a cluster is not hammered, and clients that lost it together come back at different times.
 *
 * <p>Logging: a request that no server answered is logged at DEBUG only; it fails with a
 * {@link ServerUnavailableException} that names the servers, the request, its resource (the config
 * key or service) and the last fault, and whoever owns the consequence reports it: an application's
 * call gets the exception (nothing is logged and rethrown), a background task (a long poll, an
 * instance poll, a beat) logs one WARN per fault episode. A transport-wide WARN per request would
 * repeat for every key while a server is down, and for every retry when one key's reads fail while
 * the others' succeed. Thread-safe.
 */
final class Failover {

  private static final Logger LOG = LoggerFactory.getLogger(Failover.class);

  private final NacosAddress address;
  private final Ticker ticker;
  private volatile int preferred;
  /** The current fault episode (when no server answered last), or null. */
  private volatile Fault fault;
  /** Per server: its consecutive failed attempts (0: it does not rest). */
  private final AtomicIntegerArray failures;
  /** Per server: the ticker time its rest ends, meaningful while its failures are above 0. */
  private final AtomicLongArray restsUntil;

  /** The first rest of a server after a failure, doubled with each consecutive one. */
  static final Duration FIRST_REST = Duration.ofSeconds(1);
  /** The longest rest of a server. */
  static final Duration LONGEST_REST = Duration.ofSeconds(30);

  private record Fault(long sinceNanos, String last) {}

  /** Where failovers and request outcomes are counted: the client's, once the engine sets it. */
  volatile StatsRecorder stats = new StatsRecorder();

  /**
   * @param preferred the index of the server the first request starts at
   */
  Failover(NacosAddress address, Ticker ticker, int preferred) {
    this.address = address;
    this.ticker = ticker;
    this.preferred = preferred;
    this.failures = new AtomicIntegerArray(address.servers().size());
    this.restsUntil = new AtomicLongArray(address.servers().size());
  }

  List<String> servers() {
    return address.servers();
  }

  Ticker ticker() {
    return ticker;
  }

  /** The servers' context path, e.g. {@code /nacos}; "" for the root. */
  String contextPath() {
    return address.contextPath();
  }

  /** The index of the server a request starts at. */
  int preferred() {
    return preferred;
  }

  /** Remembers that {@code server} (of index {@code index}) answered; ends a fault episode. */
  void answered(int index, String server) {
    preferred = index;
    if (failures.get(index) != 0) {
      failures.set(index, 0);
    }
    Fault ended = fault;
    if (ended != null) {
      fault = null;
      LOG.debug("Nacos server {} answers again, after {} ms without an answer", server,
          Duration.ofNanos(Math.max(0, ticker.read() - ended.sinceNanos())).toMillis());
    }
  }

  /**
   * Notes that the server of index {@code index} failed an attempt: it rests for its next back-off
   * (see the class).
   */
  void failed(int index) {
    int consecutive = failures.incrementAndGet(index);
    long restNanos = Backoff.jittered(consecutive, FIRST_REST, LONGEST_REST).toNanos();
    restsUntil.set(index, ticker.read() + restNanos);
  }

  /** Returns how much longer the server of index {@code index} rests at ticker time {@code now}; 0 when it does not. */
  long restNanos(int index, long now) {
    if (failures.get(index) == 0) {
      return 0;
    }
    return Math.max(0, restsUntil.get(index) - now);
  }

  /**
   * Returns the exception of a request that no server answered, the next request starting at the
   * server after {@code start}: its message names the servers, the request and its resource (a
   * config key, a service), the deadline and the last fault. Logged at DEBUG only (see the class).
   */
  ServerUnavailableException unavailable(NacosRequest request, int start, String lastFault, Exception cause) {
    List<String> servers = address.servers();
    stats.request(ClientStats.RequestOutcome.UNAVAILABLE);
    preferred = (start + 1) % servers.size();
    Fault current = fault;
    fault = new Fault(current == null ? ticker.read() : current.sinceNanos(), lastFault);
    String within = request.timeout().toMillis() + (request.timeoutPerAttempt() ? " ms each" : " ms");
    String message = "No Nacos server of " + servers + " answered " + request.method() + " " + request.path()
        + " ('" + request.resource() + "') within " + within + "; last: " + lastFault;
    LOG.debug("{}", message);
    return new ServerUnavailableException(request.resource(), message, cause);
  }

  /**
   * Returns {@code fault}, a request's permanent fault on every server, after counting the request
   * as {@code MISCONFIGURED} and noting it as a fault episode (the servers cannot be talked to as
   * configured; {@link #status()} says so).
   */
  io.mse.client.MisconfigurationException misconfigured(io.mse.client.MisconfigurationException fault) {
    stats.request(ClientStats.RequestOutcome.MISCONFIGURED);
    Fault current = this.fault;
    this.fault = new Fault(current == null ? ticker.read() : current.sinceNanos(), fault.getMessage());
    LOG.debug("{}", fault.getMessage());
    return fault;
  }

  /** Returns whether a server answered the last request, and since when none has. */
  ServerStatus status() {
    Fault current = fault;
    return current == null ? ServerStatus.REACHABLE
        : ServerStatus.unreachable(Duration.ofNanos(Math.max(0, ticker.read() - current.sinceNanos())), current.last());
  }

  /**
   * A 500, 502 or 503 is a server fault worth trying the next server for, except a 500 the request
   * itself takes for its answer ({@link NacosRequest#answerIn500()}: a failed compare-and-set, a
   * login's verdict on the credentials), which every server would give alike. So is a cluster node's
   * 400 {@value #PEER_REDIRECT_REFUSED}: the node forwarded a naming request to the peer it holds
   * responsible for the service, and that peer, whose view of the cluster differs (a node just
   * restarted or lost), refused the forward (Nacos' {@code DistroFilter}, 2.x and 3.x); another node,
   * or this one once the views agree, serves it.
   */
  static boolean isServerFault(NacosRequest request, NacosResponse response) {
    int status = response.status();
    if (status == 500) {
      return !request.answerIn500().test(response);
    }
    if (status == 400) {
      return response.body().contains(PEER_REDIRECT_REFUSED);
    }
    return status == 502 || status == 503;
  }

  /** The text of a Nacos node's 400 when a peer refused the naming request it forwarded. */
  static final String PEER_REDIRECT_REFUSED = "receive invalid redirect request from peer";
}

package io.mse.client.nacos.internal;

import io.mse.client.ClientStats;
import io.mse.client.ServerStatus;
import io.mse.client.ServerUnavailableException;
import io.mse.client.Ticker;
import io.mse.client.spi.StatsRecorder;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a transport's requests share about its servers: the server the next request starts at (the
 * last one that answered, or the one after the first server of a request that found none), whether a
 * fault episode was logged (one WARN when no server answers, one INFO when one answers again), and
 * which answers are server faults. The attempts of each request are {@link Attempts}. Thread-safe.
 */
final class Failover {

  private static final Logger LOG = LoggerFactory.getLogger(Failover.class);
  /** The header that carries the expected MD5 of a compare-and-set publish (never the form body). */

  private final NacosAddress address;
  private final Ticker ticker;
  private volatile int preferred;
  private volatile boolean faultLogged;
  /** The current fault episode (when no server answered last), or null. */
  private volatile Fault fault;

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
  }

  List<String> servers() {
    return address.servers();
  }

  Ticker ticker() {
    return ticker;
  }

  /** The index of the server a request starts at. */
  int preferred() {
    return preferred;
  }

  /** Remembers that {@code server} (of index {@code index}) answered; ends a fault episode. */
  void answered(int index, String server) {
    preferred = index;
    if (fault != null) {
      fault = null;
    }
    if (faultLogged) {
      faultLogged = false;
      LOG.info("Nacos server {} answers again", server);
    }
  }

  /**
   * Returns the exception of a request that no server answered, the next request starting at the
   * server after {@code start}; logs the first of a fault episode.
   */
  ServerUnavailableException unavailable(NacosRequest request, int start, String lastFault, Exception cause) {
    List<String> servers = address.servers();
    stats.request(ClientStats.RequestOutcome.UNAVAILABLE);
    preferred = (start + 1) % servers.size();
    Fault current = fault;
    fault = new Fault(current == null ? ticker.read() : current.sinceNanos(), lastFault);
    String within = request.timeout().toMillis() + (request.timeoutPerAttempt() ? " ms each" : " ms");
    if (!faultLogged) {
      faultLogged = true;
      LOG.warn("No Nacos server of {} answered {} {} within {}; last: {}", servers, request.method(),
          request.path(), within, lastFault);
    }
    return new ServerUnavailableException(request.resource(), "No Nacos server of " + servers + " answered "
        + request.method() + " " + request.path() + " within " + within + "; last: " + lastFault, cause);
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
   * login's verdict on the credentials), which every server would give alike.
   */
  static boolean isServerFault(NacosRequest request, NacosResponse response) {
    int status = response.status();
    if (status == 500) {
      return !request.answerIn500().test(response);
    }
    return status == 502 || status == 503;
  }
}

package io.mse.client.nacos.internal;

import io.mse.client.ClientStats;
import io.mse.client.MisconfigurationException;
import io.mse.client.MseException;
import io.mse.client.ServerUnavailableException;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport policy for one request, driven alike by the blocking {@link NacosTransport#send} and
 * the asynchronous {@link NacosTransport#sendAsync}, which differ only in how they wait for an attempt:
 *
 * <ul>
 *   <li><b>Failover.</b> A round of attempts starts at the server that answered last
 *       ({@link Failover#preferred()}) and moves to the next on a failure (no connection, a reset, no
 *       whole answer in time) or a server fault ({@link Failover#isServerFault}). Servers resting
 *       after a failure ({@link Failover#failed}) come last in the round, the soonest back first.
 *   <li><b>Deadline.</b> A round has one deadline, the request's timeout; an attempt may take what
 *       remains of it divided by the servers left to try, so that a server that accepts and never
 *       answers leaves the others time. A long poll ({@link NacosRequest#timeoutPerAttempt()}) may take
 *       its whole timeout on each server.
 *   <li><b>Re-login.</b> The request is signed by the authenticator, if any; a 403 that the
 *       authenticator recognizes as a token problem leads to one renewal and one more round with
 *       the freshly signed request.
 *   <li><b>Permanent faults.</b> A fault that comes from the client's settings ({@link Misconfiguration}:
 *       an untrusted certificate, a host name the certificate does not name, TLS spoken to a plain
 *       port or the reverse, a context path where no API answers) is not retried on that server; when
 *       every server showed one, the request fails at once with a {@link MisconfigurationException}
 *       instead of waiting out its deadline.
 * </ul>
 *
 * <p>Not thread-safe: one driver steps it at a time (the asynchronous one hands each step on through
 * a future, which orders them).
 */
final class Attempts {

  private static final Logger LOG = LoggerFactory.getLogger(Attempts.class);

  /**
   * One attempt on one server.
   *
   * @param index the server's index in the address
   * @param budgetNanos how long the attempt may take
   */
  record Attempt(int index, String server, long budgetNanos) {}

  private final Failover failover;
  private final NacosRequest decorated;
  private final NacosTransport.Authenticator authenticator;
  private NacosRequest signed;
  private boolean renewed;
  private long deadline;
  private int start;
  /** The servers' indexes in the order of the current round. */
  private int[] order;
  private int attemptNo;
  private String lastFault;
  private Exception lastCause;
  /** The permanent fault of each server that showed one, by index; kept across rounds. */
  private final Map<Integer, MisconfigurationException> permanent = new LinkedHashMap<>();

  /**
   * Signs the request and starts the first round.
   *
   * @param decorated the request as it is sent, before signing
   * @param authenticator signs it; null to send it as it is
   * @throws io.mse.client.AuthenticationException when the authenticator's login is refused
   * @throws ServerUnavailableException when the authenticator could reach no server
   */
  Attempts(Failover failover, NacosRequest decorated, NacosTransport.Authenticator authenticator) {
    this.failover = failover;
    this.decorated = decorated;
    this.authenticator = authenticator;
    this.signed = authenticator == null ? decorated : authenticator.sign(decorated);
    round();
  }

  /** The request as the next attempt sends it. */
  NacosRequest signed() {
    return signed;
  }

  /** Starts a round of attempts over every server, within a fresh deadline. */
  private void round() {
    deadline = failover.ticker().read() + deadlineNanos(decorated, failover.servers().size());
    start = failover.preferred();
    order = order(failover, start);
    attemptNo = 0;
    lastFault = "no attempt within the deadline";
    lastCause = null;
  }

  /**
   * Returns the next attempt, or null when the round is over: no server or no time left, or every
   * server showed a permanent fault ({@link #unavailable}). A server with a permanent fault is skipped.
   */
  Attempt next() {
    List<String> servers = failover.servers();
    while (attemptNo < order.length) {
      int index = order[attemptNo];
      if (permanent.containsKey(index)) {
        attemptNo++;
        continue;
      }
      long budget = attemptNanos(decorated, deadline - failover.ticker().read(), servers.size() - attemptNo);
      if (budget <= 0) {
        return null;
      }
      if (attemptNo > 0) {
        failover.stats.serverFailover();   // the previous server failed, faulted or was skipped: on to the next
      }
      attemptNo++;
      return new Attempt(index, servers.get(index), budget);
    }
    return null;
  }

  /** Records that {@code attempt} failed with {@code cause} (no answer); the next server is due. */
  void failed(Attempt attempt, Throwable cause) {
    lastFault = attempt.server() + ": " + (cause instanceof HttpTimeoutException ? cause.getMessage() : cause);
    lastCause = cause instanceof Exception e ? e : new IOException(cause);
    LOG.debug("{} failed on {}: {}", signed, attempt.server(), lastFault);
    failover.failed(attempt.index());
    MisconfigurationException misconfigured = Misconfiguration.of(signed, attempt.server(), cause);
    if (misconfigured != null) {
      permanent.put(attempt.index(), misconfigured);
    }
  }

  /**
   * Takes the answer of {@code attempt}.
   *
   * @return true when it is the answer of the request; false when the request goes on: the answer
   *     was a server fault (the next server is due), or it refused the token, which was renewed (a
   *     new round is due)
   * @throws io.mse.client.AuthenticationException when the renewal's login is refused
   * @throws ServerUnavailableException when the renewal could reach no server
   */
  boolean answered(Attempt attempt, NacosResponse response) {
    MisconfigurationException misconfigured = Misconfiguration.of(signed, failover.contextPath(), response);
    if (misconfigured != null) {
      lastFault = attempt.server() + ": " + misconfigured.getMessage();
      LOG.debug("{} on {}: {}", signed, attempt.server(), lastFault);
      permanent.put(attempt.index(), misconfigured);
      return false;
    }
    if (Failover.isServerFault(signed, response)) {
      lastFault = attempt.server() + " answered " + response.status() + " " + NacosText.abbreviate(response.body());
      LOG.debug("{} on {}: {}", signed, attempt.server(), lastFault);
      failover.failed(attempt.index());
      return false;
    }
    failover.answered(attempt.index(), attempt.server());
    if (response.status() == 403 && authenticator != null && !renewed && authenticator.renew(signed, response)) {
      LOG.debug("{} refused the token; retrying once with a fresh one", response.server());
      renewed = true;
      signed = authenticator.sign(decorated);
      round();
      return false;
    }
    failover.stats.request(response.ok() ? ClientStats.RequestOutcome.OK : ClientStats.RequestOutcome.ERROR_STATUS);
    return true;
  }

  /**
   * The exception of a round that no server answered (after {@link #next()} returned null): a
   * {@link MisconfigurationException} when every server showed a permanent fault (the first one's),
   * else a {@link ServerUnavailableException}.
   */
  MseException unavailable() {
    if (permanent.size() == failover.servers().size()) {
      return failover.misconfigured(permanent.values().iterator().next());
    }
    return failover.unavailable(signed, start, lastFault, lastCause);
  }

  /**
   * Returns the order of a round starting at {@code start}: the servers that do not rest in ring
   * order from it, then the resting ones, the soonest back first (ties in ring order).
   */
  static int[] order(Failover failover, int start) {
    int n = failover.servers().size();
    long now = failover.ticker().read();
    int[] order = new int[n];
    long[] rests = new long[n];
    int resting = 0;
    for (int i = 0; i < n; i++) {
      int index = (start + i) % n;
      rests[index] = failover.restNanos(index, now);
      if (rests[index] > 0) {
        resting++;
      }
    }
    if (resting == 0) { // the usual case: ring order
      for (int i = 0; i < n; i++) {
        order[i] = (start + i) % n;
      }
      return order;
    }
    int awake = 0;
    int tail = n - resting;
    for (int i = 0; i < n; i++) {
      int index = (start + i) % n;
      if (rests[index] == 0) {
        order[awake++] = index;
      } else {
        // insertion into the resting tail, kept sorted by the end of the rest (stable: ring order on ties)
        int j = tail++;
        while (j > n - resting && rests[order[j - 1]] > rests[index]) {
          order[j] = order[j - 1];
          j--;
        }
        order[j] = index;
      }
    }
    return order;
  }

  /** Returns how long a request may take across {@code servers} servers. */
  private static long deadlineNanos(NacosRequest request, int servers) {
    long timeout = request.timeout().toNanos();
    return request.timeoutPerAttempt() ? saturatedMultiply(timeout, servers) : timeout;
  }

  /**
   * Returns how long the next attempt may take, with {@code remainingNanos} left of the deadline and
   * {@code serversLeft} servers (this one included) left to try: an equal share of what remains, or
   * for a request bounded per attempt its timeout (never past the deadline).
   */
  private static long attemptNanos(NacosRequest request, long remainingNanos, int serversLeft) {
    if (remainingNanos <= 0 || serversLeft <= 0) {
      return 0;
    }
    return request.timeoutPerAttempt() ? Math.min(request.timeout().toNanos(), remainingNanos)
        : remainingNanos / serversLeft;
  }

  private static long saturatedMultiply(long a, int b) {
    long product = a * b;
    return b != 0 && product / b != a ? Long.MAX_VALUE : product;
  }
}

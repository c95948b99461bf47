package io.mse.client.nacos.internal;

import io.mse.client.ServerUnavailableException;
import io.mse.client.Ticker;
import java.util.List;
import java.util.Locale;
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
  static final String CAS_MD5_HEADER = "casMd5";

  private final NacosAddress address;
  private final Ticker ticker;
  private volatile int preferred;
  private volatile boolean faultLogged;

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
    preferred = (start + 1) % servers.size();
    String within = request.timeout().toMillis() + (request.timeoutPerAttempt() ? " ms each" : " ms");
    if (!faultLogged) {
      faultLogged = true;
      LOG.warn("No Nacos server of {} answered {} {} within {}; last: {}", servers, request.method(),
          request.path(), within, lastFault);
    }
    return new ServerUnavailableException(request.resource(), "No Nacos server of " + servers + " answered "
        + request.method() + " " + request.path() + " within " + within + "; last: " + lastFault, cause);
  }

  /**
   * A 500, 502 or 503 is a server fault worth trying the next server for, except a 500 that reports
   * a failed compare-and-set publish: that is the answer, the same on every server. Nacos 2.x words
   * it ("caused: Cas publish fail, server md5 may have changed.;"), 3.x answers a request that carries
   * a {@code casMd5} header with a bare {@code false}; nor is a login's 500 (see {@link #isLoginVerdict}).
   */
  static boolean isServerFault(NacosRequest request, NacosResponse response) {
    int status = response.status();
    if (status == 500 && isLoginVerdict(request, response)) {
      return false;
    }
    if (status == 500) {
      String body = response.body().toLowerCase(Locale.ROOT);
      boolean casConflict = request.headers().containsKey(CAS_MD5_HEADER) && body.strip().equals("false");
      return !(casConflict || body.contains("cas publish fail") || body.contains("md5 may have changed"));
    }
    return status == 502 || status == 503;
  }

  /**
   * A login answered 500 in the words of a verdict on the credentials is returned to the login rather
   * than tried on the next server: Nacos 2.x answers an unknown user {@code caused: User x not found;};
   * 3.0.3 a wrong password on {@code /v3/auth/user/login} with Spring's bare error ({@code "message":
   * "No message available"}) and any refusal on {@code /v1/auth/login} with {@code Handle API
   * Compatibility failed}. {@link NacosAuth} then tells refused credentials from a server without auth.
   * Any other 500 of a login (a database down: 2.x says {@code caused: <its exception>;}) is a server
   * fault, tried on the next server. 3.x's bare error cannot tell a wrong password from such a fault.
   */
  private static boolean isLoginVerdict(NacosRequest request, NacosResponse response) {
    if (response.status() != 500 || !(request.path().equals(NacosServerLine.V2.loginPath())
        || request.path().equals(NacosServerLine.V3.loginPath()))) {
      return false;
    }
    String body = response.body().toLowerCase(Locale.ROOT);
    return body.contains("not found") || body.contains("no message available")
        || body.contains("handle api compatibility failed");
  }
}

package io.mse.client.nacos.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.mse.client.AuthenticationException;
import io.mse.client.ClientStats;
import io.mse.client.ServerUnavailableException;
import io.mse.client.Ticker;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Username/password login to a Nacos server and the access token that results.
 *
 * <p>Protocol: {@code POST {ctx}/v1/auth/login} (2.x) or {@code POST {ctx}/v3/auth/user/login} (3.x,
 * see {@link NacosServerLine}) with the form {@code username}, {@code password} answers
 * {@code {"accessToken":"...","tokenTtl":18000}} (TTL in seconds); every request then carries the
 * {@code accessToken} header, which both lines accept on every API we use (the query parameter of the
 * same name would land in the server's access log).
 *
 * <p>Refused credentials: 2.x answers a wrong password 403 {@code user not found!} and an unknown user
 * 500 {@code caused: User x not found;}; 3.0.3 answers an unknown user 403 {@code Access Denied} and a
 * wrong password with a bare 500. Any of these is followed by one unsigned read of a config
 * ({@link NacosServerLine#loginProbe}): 403 means the server demands a login, so the credentials are
 * wrong ({@link AuthenticationException}); an answer means it does not (client auth off, where 2.x
 * knows no user at all), so requests go unsigned and the credentials serve only what still demands
 * them (the 3.x admin API).
 *
 * <p>Refresh: lazily, on the request path. Once 90% of the TTL has passed (measured with the
 * client's {@link Ticker}, whatever the host's CPU count), the first request to notice logs in
 * again while the others go on with the still valid token; only when there is no valid token do
 * requests wait for the login. A refresh that fails keeps the still valid token. A 403 whose body
 * speaks of the token ({@code token invalid!}, {@code token expired}, {@code user not found!}) makes
 * the transport call {@link #renew}, which logs in once (unless another thread already did) so the
 * request is retried once; so does {@code Invalid signature}, the answer of a server restarted with
 * another signing key to every token it issued before (see {@link #speaksOfToken}).
 *
 * <p>Thread-safe. The password is never logged, never put in an exception message, and masked
 * in {@link #toString()}.
 */
final class NacosAuth implements NacosTransport.Authenticator {

  private static final Logger LOG = LoggerFactory.getLogger(NacosAuth.class);
  static final String TOKEN_HEADER = "accessToken";
  static final long DEFAULT_TTL_SECONDS = 18_000;

  private final String username;
  private final String password;
  private final NacosTransport transport;
  private final Ticker ticker;
  private final Duration timeout;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile Token token;

  /**
   * An access token and when it was obtained, in ticker nanoseconds; a null value when the server
   * serves this client without a login.
   */
  private record Token(String value, long obtainedNanos, long ttlNanos) {
    boolean dueForRefresh(long now) {
      return now - obtainedNanos >= ttlNanos / 10 * 9;
    }

    boolean valid(long now) {
      return now - obtainedNanos < ttlNanos;
    }
  }

  /**
   * @param username non-blank
   * @param password not null
   * @param transport where to log in; the login itself is sent unsigned
   * @param ticker the time source of the TTL
   * @param timeout the deadline of one login
   */
  NacosAuth(String username, String password, NacosTransport transport, Ticker ticker, Duration timeout) {
    this.username = username;
    this.password = password;
    this.transport = transport;
    this.ticker = ticker;
    this.timeout = timeout;
  }

  @Override
  public NacosRequest sign(NacosRequest request) {
    String value = current().value();
    return value == null ? request : request.withHeader(TOKEN_HEADER, value);
  }

  @Override
  public boolean renew(NacosRequest signed, NacosResponse forbidden) {
    if (!speaksOfToken(forbidden.body())) {
      return false;
    }
    String used = signed.headers().get(TOKEN_HEADER);
    Token known = token;
    if (used == null && known != null && known.value() == null && known.valid(ticker.read())) {
      // The server refused our login and serves clients without one (client auth off): what it refuses
      // now (3.x's admin API wants an administrator) another login would not change.
      return false;
    }
    lock.lock();
    try {
      Token held = token;
      if (held != null && !Objects.equals(held.value(), used) && held.valid(ticker.read())) {
        return true; // another thread logged in again since this request was signed
      }
      LOG.info("Nacos refused the access token of '{}' ({}); logging in again", username,
          NacosText.abbreviate(forbidden.body(), 120));
      token = login();
      transport.stats().tokenRenewal(ClientStats.TokenRenewal.REFUSED);
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Logs in now unless a valid token is held; for a check at start. */
  void ensureLoggedIn() {
    current();
  }

  private Token current() {
    Token held = token;
    long now = ticker.read();
    if (held != null && !held.dueForRefresh(now)) {
      return held;
    }
    boolean usable = held != null && held.valid(now);
    if (usable) {
      if (!lock.tryLock()) {
        return held; // another thread is refreshing; the held token is still valid
      }
    } else {
      lock.lock();
    }
    try {
      Token again = token;
      if (again != null && !again.dueForRefresh(ticker.read())) {
        return again;
      }
      try {
        token = login();
        if (held != null) {
          transport.stats().tokenRenewal(ClientStats.TokenRenewal.EXPIRING);
        }
      } catch (ServerUnavailableException | AuthenticationException e) {
        if (usable) {
          LOG.debug("Could not refresh the access token of '{}' yet: {}", username, e.getMessage());
          return held;
        }
        throw e;
      }
      return token;
    } finally {
      lock.unlock();
    }
  }

  private Token login() {
    NacosServerLine line = transport.serverLine(timeout);
    NacosRequest request = NacosRequest.post(line.loginPath(), Map.of("username", username, "password", password),
        timeout, transport.address().servers().toString()).answeringIn500(NacosAuth::isCredentialsVerdict);
    long started = ticker.read();
    NacosResponse response = transport.sendUnsigned(request);
    if (response.ok()) {
      Token obtained = token(response, started);
      transport.stats().login();
      return obtained;
    }
    String answer = response.status() + " " + NacosText.abbreviate(response.body(), 120);
    if (response.status() == 403 || response.status() == 401 || response.status() == 500) {
      NacosResponse probe = probe(line, response, answer);
      if (probe.status() == 403 || probe.status() == 401) {
        throw new AuthenticationException(response.server(), "Nacos login as '" + username + "' on "
            + response.server() + " was refused (" + answer + "): check the username and password");
      }
      if (probe.status() == 200 || probe.status() == 404) {
        LOG.info("Nacos {} serves this client without a login (client auth off) and refused the login as '{}' ({});"
            + " requests go without a token", response.server(), username, answer);
        transport.stats().login();
        return new Token(null, started, Duration.ofSeconds(DEFAULT_TTL_SECONDS).toNanos());
      }
    }
    // Not a verdict on the credentials (404, 429, a 5xx the transport let through...): a server
    // problem, so a refresh that meets it keeps using the token still held.
    throw new ServerUnavailableException(response.server(), "Nacos login as '" + username + "' on "
        + response.server() + " failed with " + answer);
  }

  /**
   * A login's 500 in the words of a verdict on the credentials, returned to the login rather than tried
   * on the next server: Nacos 2.x answers an unknown user {@code caused: User x not found;}; 3.0.3 a
   * wrong password on {@code /v3/auth/user/login} with Spring's bare error ({@code "message": "No message
   * available"}) and any refusal on {@code /v1/auth/login} with {@code Handle API Compatibility failed}.
   * The login then tells refused credentials from a server without auth. Any other 500 (a database
   * down: 2.x says {@code caused: <its exception>;}) is a server fault, tried on the next server. 3.x's
   * bare error cannot tell a wrong password from such a fault.
   */
  static boolean isCredentialsVerdict(NacosResponse response) {
    String body = response.body().toLowerCase(Locale.ROOT);
    return body.contains("not found") || body.contains("no message available")
        || body.contains("handle api compatibility failed");
  }

  /** Asks whether the server demands a login at all, after a login refused with {@code answer}. */
  private NacosResponse probe(NacosServerLine line, NacosResponse login, String answer) {
    try {
      return transport.sendUnsigned(line.loginProbe(timeout));
    } catch (ServerUnavailableException e) {
      throw new ServerUnavailableException(login.server(), "Nacos login as '" + username + "' on " + login.server()
          + " failed with " + answer + ", and then: " + e.getMessage(), e);
    }
  }

  private Token token(NacosResponse response, long started) {
    try {
      JsonNode json = NacosJson.MAPPER.readTree(response.body());
      String value = json.path("accessToken").asText("");
      if (value.isEmpty()) {
        throw new AuthenticationException(response.server(), "Nacos login as '" + username + "' on "
            + response.server() + " answered without an accessToken");
      }
      long ttlSeconds = json.path("tokenTtl").asLong(DEFAULT_TTL_SECONDS);
      if (ttlSeconds <= 0) {
        ttlSeconds = DEFAULT_TTL_SECONDS;
      }
      LOG.debug("Logged in to {} as '{}'; token valid for {} s", response.server(), username, ttlSeconds);
      return new Token(value, started, Duration.ofSeconds(ttlSeconds).toNanos());
    } catch (IOException e) {
      throw new AuthenticationException(response.server(), "Nacos login as '" + username + "' on "
          + response.server() + " answered no JSON: " + NacosText.abbreviate(response.body(), 120));
    }
  }

  /**
   * Returns whether a 403 body concerns the token (missing, invalid, expired, signed with a key the
   * server no longer has, or naming a user it no longer knows) rather than rights ({@code authorization
   * failed!}). The wordings of the auth plugins of 2.5.1 and 3.0.3: {@code token invalid!},
   * {@code token expired!}, {@code expired token}, {@code Invalid signature} (the server's signing key
   * changed: every earlier token is revoked), {@code invalid token, username is empty},
   * {@code user not found!}, {@code unknown user!}.
   */
  static boolean speaksOfToken(String body) {
    String lower = body.toLowerCase(Locale.ROOT);
    return lower.contains("token") || lower.contains("user not found") || lower.contains("unknown user")
        || lower.contains("invalid signature") || lower.contains("invalid key");
  }


  @Override
  public String toString() {
    return "NacosAuth[username=" + username + ", password=******, token=" + (token == null ? "none" : "******")
        + "]";
  }
}

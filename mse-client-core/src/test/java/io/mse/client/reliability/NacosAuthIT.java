package io.mse.client.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.mse.client.AuthenticationException;
import io.mse.client.MseClient;
import io.mse.client.config.ConfigChangeEvent;
import io.mse.client.testing.FaultProxy;
import io.mse.client.testing.LogCapture;
import io.mse.client.testing.nacos.NacosServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authentication against a real Nacos with auth on, of this class's own (port 48848 when free):
 * started with a signing key of its own, then restarted with another signing key, which revokes every
 * token it issued before, and a short token TTL. The {@link FaultProxy} in front counts the logins
 * and requests the client makes. Skipped where no server can be started. The version is 2.5.1 in the
 * normal build (each version costs two server starts); {@code MSE_IT_NACOS_AUTH_VERSION=3.0.3} runs
 * the same tests on 3.0.3.
 */
@Timeout(value = 8, unit = java.util.concurrent.TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NacosAuthIT {

  private static final String VERSION = System.getenv().getOrDefault("MSE_IT_NACOS_AUTH_VERSION", "2.5.1");
  /** The login the client uses: 2.x {@code /v1/auth/login}, 3.x {@code /v3/auth/user/login}. */
  private static final String LOGIN = VERSION.startsWith("2.") ? "/nacos/v1/auth/login" : "/nacos/v3/auth/user/login";
  private static final String CONFIGS = "/nacos/v1/cs/configs";
  private static final String USER = "nacos";
  private static final String PASSWORD = "rel-Auth-pw-7";
  /** Base64 signing keys of at least 32 bytes, as the server wants them. */
  private static final String KEY_1 = "cmVsaWFiaWxpdHktdGVzdC1zaWduaW5nLWtleS1udW1iZXItb25lLTAx";
  private static final String KEY_2 = "YW5vdGhlci1zaWduaW5nLWtleS1mb3ItdGhlLXJlbGlhYmlsaXR5LXRlc3RzLTk5";
  private static final long TTL_SECONDS = 5;

  private static NacosServerProcess server;
  private static FaultProxy proxy;

  @TempDir
  Path dir;

  @BeforeAll
  static void startServer() throws Exception {
    server = NacosServerProcess.start(VERSION, 48848, USER + ":" + PASSWORD,
        Map.of(NacosServerProcess.TOKEN_SECRET_KEY, KEY_1));
    proxy = FaultProxy.start(server.port());
  }

  @AfterAll
  static void stopServer() {
    if (proxy != null) {
      proxy.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private MseClient.Builder client(String password) {
    return MseClient.builder().serverAddr(proxy.address()).credentials(USER, password)
        .snapshotDir(dir.resolve("snapshots-" + UUID.randomUUID())).requestTimeout(Duration.ofSeconds(5));
  }

  @Test
  @Order(1)
  void wrongCredentialsFailTheStartClearlyAfterOneLoginAndNeverLoop() {
    long logins = proxy.count("POST", LOGIN);
    Throwable thrown;
    try (LogCapture logs = LogCapture.atAllLevels()) {
      thrown = catchThrowable(() -> client("not-the-password").build().close());
      assertThat(logs.text()).doesNotContain("not-the-password");
    }
    assertThat(thrown).isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("login as '" + USER + "'").hasMessageContaining("check the username and password")
        .hasMessageNotContaining("not-the-password");
    assertThat(proxy.count("POST", LOGIN) - logins).isEqualTo(1);
    // nothing keeps trying behind the caller's back
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
        .until(() -> proxy.count("POST", LOGIN) - logins == 1);
  }

  @Test
  @Order(3)
  void theTokenIsRenewedBeforeItExpiresAcrossManyRenewals() {
    String key = "auth-renew-" + UUID.randomUUID().toString().substring(0, 8) + ".properties";
    List<ConfigChangeEvent> events = new CopyOnWriteArrayList<>();
    AtomicInteger reads = new AtomicInteger();
    try (MseClient client = client(PASSWORD).property("nacos.longPollTimeoutMillis", "10000").build()) {
      long logins = proxy.count("POST", LOGIN);
      client.config().publishConfig(key, "DEFAULT_GROUP", "n=0");
      await().atMost(Duration.ofSeconds(10)).until(() -> "n=0".equals(
          client.config().getConfigAndAddListener(key, "DEFAULT_GROUP", Duration.ofSeconds(5), events::add)));
      // 25 s is five TTLs: every request keeps working, signed by a token renewed at 90% of its TTL
      await().during(Duration.ofSeconds(25)).atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(500))
          .until(() -> {
            int n = reads.incrementAndGet();
            if (n % 10 == 0) {
              client.config().publishConfig(key, "DEFAULT_GROUP", "n=" + n);
            }
            return client.config().getConfig("auth-absent-" + n, "DEFAULT_GROUP") == null;
          });
      long renewals = proxy.count("POST", LOGIN) - logins;
      System.err.println("[auth] " + renewals + " logins in 25 s with a " + TTL_SECONDS + " s token TTL, "
          + reads.get() + " reads");
      assertThat(renewals).as("logins with a %d s TTL over 25 s", TTL_SECONDS).isBetween(4L, 9L);
      // the listener, on the long polls signed all along, heard the last publish
      String last = "n=" + (reads.get() / 10 * 10);
      await().atMost(Duration.ofSeconds(30)).until(() -> !events.isEmpty()
          && last.equals(events.get(events.size() - 1).content()));
      client.config().removeConfig(key, "DEFAULT_GROUP");
    }
  }

  @Test
  @Order(2)
  void aTokenRevokedServerSideCostsOneLoginAndOneRetry() {
    String key = "auth-revoked-" + UUID.randomUUID().toString().substring(0, 8) + ".properties";
    try (MseClient client = client(PASSWORD).build()) {
      assertThat(client.config().getConfig(key, "DEFAULT_GROUP")).isNull();

      // a new signing key: every token the server issued is refused now ("Invalid signature"), while the
      // client holds one it believes valid for hours (the first server's default TTL); and from now on
      // tokens live a few seconds, for the renewals of the next test
      server.restart(Map.of(NacosServerProcess.TOKEN_SECRET_KEY, KEY_2,
          NacosServerProcess.TOKEN_EXPIRE_SECONDS, Long.toString(TTL_SECONDS)));
      long logins = proxy.count("POST", LOGIN);
      long publishes = proxy.count("POST", CONFIGS);

      assertThat(client.config().publishConfig(key, "DEFAULT_GROUP", "after=restart")).isTrue();
      assertThat(proxy.count("POST", LOGIN) - logins).as("logins after the key changed").isEqualTo(1);
      assertThat(proxy.count("POST", CONFIGS) - publishes).as("the publish: refused once, retried once").isEqualTo(2);
      // (2.x may answer a read right after a write 404 for a moment)
      await().atMost(Duration.ofSeconds(10)).until(() -> "after=restart".equals(
          client.config().getConfig(key, "DEFAULT_GROUP")));
      client.config().removeConfig(key, "DEFAULT_GROUP");
    }
  }
}

package io.mse.client.nacos.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.mse.client.MseClient;
import io.mse.client.naming.Instance;
import io.mse.client.testing.LogCapture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets never show: a whole session with every logger of mse-client at TRACE (login, a token refused
 * and renewed, configs read, published and listened to, an instance registered, beaten and listed,
 * server faults, a wrong password) is captured, together with every exception it threw (messages,
 * causes, stack traces) and the toString() of what holds a secret; none holds the password, the
 * access tokens, the trust store's password or an access key.
 */
@Timeout(120)
class SecretsNeverShownTest {

  private static final String PASSWORD = "Pw-Secret-4711";
  private static final String WRONG_PASSWORD = "Wrong-Pw-0815";
  private static final String TOKEN_1 = "eyJTOKENONE.secret-part-one.sig1";
  private static final String TOKEN_2 = "eyJTOKENTWO.secret-part-two.sig2";
  private static final String TRUST_PASSWORD = NacosMisconfigurationTest.Tls.PASSWORD + "-Trust-9";
  private static final String ACCESS_KEY = "AK-Secret-123";
  private static final String SECRET_KEY = "SK-Secret-456";
  private static final String LOGIN = "/nacos/v1/auth/login";

  @TempDir
  Path dir;

  private WireMockServer server;

  @BeforeEach
  void start() {
    server = NacosTestSupport.startWireMock();
    // a catch-all, so that WireMock never prints an unmatched request (with its headers) itself
    server.stubFor(any(urlPathMatching("/.*")).atPriority(10).willReturn(aResponse().withStatus(404)
        .withBody("config data not exist")));
    server.stubFor(get(urlPathEqualTo("/nacos/v3/admin/core/state")).willReturn(aResponse().withStatus(404)
        .withBody("{\"status\":404,\"error\":\"Not Found\"}")));
    server.stubFor(post(urlPathEqualTo(LOGIN)).withRequestBody(com.github.tomakehurst.wiremock.client.WireMock
        .containing(WRONG_PASSWORD)).atPriority(1).willReturn(aResponse().withStatus(403).withBody("user not found!")));
    server.stubFor(post(urlPathEqualTo(LOGIN)).inScenario("login").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(okJson("{\"accessToken\":\"" + TOKEN_1 + "\",\"tokenTtl\":18000}")).willSetStateTo("second"));
    server.stubFor(post(urlPathEqualTo(LOGIN)).inScenario("login").whenScenarioStateIs("second")
        .willReturn(okJson("{\"accessToken\":\"" + TOKEN_2 + "\",\"tokenTtl\":18000}")));
    String configs = "/nacos/v1/cs/configs";
    server.stubFor(get(urlPathEqualTo(configs)).withHeader("accessToken",
        com.github.tomakehurst.wiremock.client.WireMock.absent()).atPriority(2)
        .willReturn(aResponse().withStatus(403).withBody("{\"status\":403,\"message\":\"token invalid!\"}")));
    server.stubFor(get(urlPathEqualTo(configs)).withHeader("accessToken", equalTo(TOKEN_1))
        .willReturn(aResponse().withStatus(403).withBody("{\"status\":403,\"message\":\"token expired!\"}")));
    server.stubFor(get(urlPathEqualTo(configs)).withHeader("accessToken", equalTo(TOKEN_2))
        .willReturn(aResponse().withStatus(200).withBody("k=v")));
    server.stubFor(get(urlPathEqualTo(configs)).withQueryParam("dataId", equalTo("broken.properties"))
        .atPriority(1).willReturn(aResponse().withStatus(500).withBody("caused: boom;")));
    server.stubFor(post(urlPathEqualTo(configs)).willReturn(aResponse().withStatus(200).withBody("true")));
    server.stubFor(post(urlPathEqualTo(configs + "/listener")).willReturn(aResponse().withStatus(200)
        .withBody("").withFixedDelay(200)));
    server.stubFor(post(urlPathEqualTo("/nacos/v1/ns/instance")).willReturn(aResponse().withStatus(200).withBody("ok")));
    server.stubFor(put(urlPathEqualTo("/nacos/v1/ns/instance/beat"))
        .willReturn(okJson(NacosNamingTranscripts.BEAT_OK)));
    server.stubFor(get(urlPathEqualTo("/nacos/v1/ns/instance/list")).willReturn(okJson(
        NacosNamingTranscripts.list("DEFAULT_GROUP@@secret-svc", 1000, 1000, 9001))));
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  @Test
  void noSecretInAnyLogLineAtAnyLevelNorInAnyExceptionNorInToString() throws Exception {
    NacosMisconfigurationTest.Tls tls = NacosMisconfigurationTest.Tls.create(dir, "ip:127.0.0.1");
    Path trustStore = dir.resolve("trust-with-own-password.p12");
    java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
    try (var in = java.nio.file.Files.newInputStream(tls.trustStore())) {
      store.load(in, NacosMisconfigurationTest.Tls.PASSWORD.toCharArray());
    }
    try (var out = java.nio.file.Files.newOutputStream(trustStore)) {
      store.store(out, TRUST_PASSWORD.toCharArray());
    }
    MseClient.Builder builder = MseClient.builder().serverAddr("127.0.0.1:" + server.port())
        .snapshotDir(dir.resolve("snapshots")).requestTimeout(Duration.ofSeconds(2)).credentials("nacos", PASSWORD)
        .property(NacosTls.TRUST_STORE, trustStore.toString()).property(NacosTls.TRUST_STORE_PASSWORD, TRUST_PASSWORD)
        .property("nacos.accessKey", ACCESS_KEY).property("nacos.secretKey", SECRET_KEY)
        .property("nacos.longPollTimeoutMillis", "10000");
    List<Throwable> thrown = new ArrayList<>();
    List<String> shown = new ArrayList<>();
    String logs;
    try (LogCapture capture = LogCapture.atAllLevels()) {
      try (MseClient client = builder.build()) {
        shown.add(client.toString());
        shown.add(client.settings().toString());
        shown.add(builder.toConfig().toString());
        // the first token is refused as expired: one login again, the read retried with the second
        assertThat(client.config().getConfig("plain.properties", "DEFAULT_GROUP")).isEqualTo("k=v");
        client.config().getConfigAndAddListener("listened.properties", "DEFAULT_GROUP", Duration.ofSeconds(2),
            event -> { });
        assertThat(client.config().publishConfig("published.properties", "DEFAULT_GROUP", "k=v")).isTrue();
        try {
          client.config().getConfig("broken.properties", "DEFAULT_GROUP");
        } catch (RuntimeException e) {
          thrown.add(e);
        }
        client.naming().registerInstance("secret-svc", Instance.of("127.0.0.1", 9001));
        client.naming().subscribe("secret-svc", "DEFAULT_GROUP", event -> { });
        shown.add(client.naming().getAllInstances("secret-svc").toString());
        shown.add(client.registrations().toString());
        shown.add(client.listenedConfigs().toString());
        shown.add(client.serverStatus().toString());
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> server.findAll(
            com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlPathEqualTo(
                "/nacos/v1/cs/configs/listener"))).size() >= 3);
      }
      try (MseClient wrong = builder.credentials("nacos", WRONG_PASSWORD).build()) {
        shown.add(wrong.toString());
      } catch (RuntimeException e) {
        thrown.add(e);
      }
      shown.add(builder.toConfig().toString());
      logs = capture.text();
    }
    // every level was on: DEBUG lines of loggers the test configuration keeps at WARN show (no line of
    // the library is at TRACE; any would have shown too)
    assertThat(logs).contains("DEBUG io.mse.client.config.internal").contains("Logged in");
    assertThat(thrown).hasSize(2);
    String everything = logs + "\n" + String.join("\n", shown) + "\n" + dump(thrown);
    for (String secret : List.of(PASSWORD, WRONG_PASSWORD, TOKEN_1, TOKEN_2, TRUST_PASSWORD, ACCESS_KEY, SECRET_KEY,
        "secret-part")) {
      assertThat(everything).as("where '%s' must not show", secret).doesNotContain(secret);
    }
  }

  private static String dump(List<Throwable> thrown) {
    StringWriter out = new StringWriter();
    for (Throwable t : thrown) {
      t.printStackTrace(new PrintWriter(out));
    }
    return out.toString();
  }
}

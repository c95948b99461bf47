package io.mse.client.nacos.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.mse.client.AuthenticationException;
import io.mse.client.MseClient;
import io.mse.client.MseClientConfig;
import io.mse.client.testing.FakeTicker;
import io.mse.client.ServerUnavailableException;
import io.mse.client.config.ConfigKey;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Login, token on every request, refresh ahead of the TTL, one re-login on a token 403, wrong credentials. */
class NacosAuthTest {

  private static final String LOGIN = "/nacos/v1/auth/login";
  private static final String LOGIN_V3 = "/nacos/v3/auth/user/login";
  private static final String STATE = "/nacos/v3/admin/core/state";
  private static final String CONFIG_V3 = "/nacos/v3/client/cs/config";
  static final String STATE_3_0_3 = "{\"code\":0,\"message\":\"success\",\"data\":{\"auth_system_type\":\"nacos\","
      + "\"auth_enabled\":\"true\",\"auth_admin_request\":\"false\",\"startup_mode\":\"standalone\","
      + "\"version\":\"3.0.3\",\"function_mode\":null}}";
  /** What 3.0.3 answers a request that needs a login and carries none. */
  static final String FORBIDDEN_3 = "{\"timestamp\":\"2026-12-01T22:23:58.437+00:00\",\"status\":403,\"error\":"
      + "\"Forbidden\",\"message\":\"Code: 401, Message: User not found! Please check user exist or password is right!.\","
      + "\"path\":\"/nacos/v3/client/cs/config\"}";
  private static final String CONFIGS = "/nacos/v1/cs/configs";
  private static final String PASSWORD = "s3cret-Pa55";
  private static final ConfigKey KEY = ConfigKey.of("demo.properties", null);

  @TempDir
  Path snapshots;

  private WireMockServer server;
  private final FakeTicker ticker = new FakeTicker();
  private NacosTransport transport;
  private NacosConfigEngine engine;

  @BeforeEach
  void start() {
    server = NacosTestSupport.startWireMock();
    MseClientConfig settings = NacosTestSupport.builder(server, snapshots).credentials("nacos", PASSWORD)
        .ticker(ticker).toConfig();
    transport = NacosEngine.transport(settings);
    engine = new NacosConfigEngine(NacosTestSupport.context(settings, new NacosTestSupport.RecordingSink()), transport,
        new NamespaceCheck("", transport, settings.requestTimeout()), new ManualScheduler());
  }

  @AfterEach
  void stop() {
    engine.close();
    transport.close();
    server.stop();
  }

  /** The first login answers tok-1, the next ones tok-2 (TTL 100 s). */
  private void stubLogins() {
    server.stubFor(post(urlPathEqualTo(LOGIN)).inScenario("login").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(loginAnswer("tok-1")).willSetStateTo("again"));
    server.stubFor(post(urlPathEqualTo(LOGIN)).inScenario("login").whenScenarioStateIs("again")
        .willReturn(loginAnswer("tok-2")));
  }

  private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder loginAnswer(String token) {
    return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
        .withBody("{\"accessToken\":\"" + token + "\",\"tokenTtl\":100,\"globalAdmin\":true,\"username\":\"nacos\"}");
  }

  private void stubConfigFor(String token, int status, String body) {
    server.stubFor(get(urlPathEqualTo(CONFIGS)).withHeader("accessToken", equalTo(token))
        .willReturn(aResponse().withStatus(status).withBody(body)));
  }

  /** Makes the stub a 3.x server: its state answers as 3.0.3 does (recorded with curl). */
  private void stubLine3() {
    server.stubFor(get(urlPathEqualTo(STATE)).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withBody(STATE_3_0_3)));
  }

  /** Builds a client with {@code user}/{@code password}; returns what its start threw, or null. */
  private Throwable start(String user, String password) {
    try (MseClient client = NacosTestSupport.builder(server, snapshots).credentials(user, password).build()) {
      return null;
    } catch (RuntimeException e) {
      return e;
    }
  }

  @Test
  void logsInWithAFormAndSendsTheTokenAsHeaderOnEveryRequestNeverInTheUrl() {
    server.stubFor(post(urlPathEqualTo(LOGIN)).willReturn(loginAnswer(NacosTestSupport.TOKEN)));
    stubConfigFor(NacosTestSupport.TOKEN, 200, "k=v1");

    assertThat(engine.getConfig(KEY, Duration.ofSeconds(1)).content()).isEqualTo("k=v1");
    assertThat(engine.getConfig(KEY, Duration.ofSeconds(1)).content()).isEqualTo("k=v1");

    List<LoggedRequest> logins = server.findAll(postRequestedFor(urlPathEqualTo(LOGIN)));
    assertThat(logins).hasSize(1);
    assertThat(logins.get(0).getUrl()).isEqualTo(LOGIN);
    assertThat(NacosConfigEngineTest.form(logins.get(0))).containsExactlyInAnyOrder("username=nacos", "password=" + PASSWORD);
    server.verify(2, getRequestedFor(urlPathEqualTo(CONFIGS)).withHeader("accessToken", equalTo(NacosTestSupport.TOKEN)));
    assertThat(server.findAll(getRequestedFor(urlPathEqualTo(CONFIGS))))
        .allSatisfy(r -> assertThat(r.getUrl()).doesNotContain("accessToken").doesNotContain(NacosTestSupport.TOKEN));
  }

  @Test
  void onA3xServerLogsInOnTheV3PathAfterAskingTheLineOnce() {
    stubLine3();
    server.stubFor(post(urlPathEqualTo(LOGIN_V3)).willReturn(loginAnswer(NacosTestSupport.TOKEN)));
    stubConfigFor(NacosTestSupport.TOKEN, 200, "k=v1");

    assertThat(engine.getConfig(KEY, Duration.ofSeconds(1)).content()).isEqualTo("k=v1");
    assertThat(engine.getConfig(KEY, Duration.ofSeconds(1)).content()).isEqualTo("k=v1");

    server.verify(1, getRequestedFor(urlPathEqualTo(STATE)));
    server.verify(1, postRequestedFor(urlPathEqualTo(LOGIN_V3)));
    server.verify(0, postRequestedFor(urlPathEqualTo(LOGIN)));
  }

  @Test
  void a3xServerAnsweringAWrongPasswordWithABare500RefusesTheStart() {
    stubLine3();
    // 3.0.3 answers a wrong password so (recorded with curl), and a request without a token 403.
    server.stubFor(post(urlPathEqualTo(LOGIN_V3)).willReturn(aResponse().withStatus(500).withBody(
        "{\"timestamp\":\"2026-12-01T22:24:12.349+00:00\",\"status\":500,\"error\":\"Internal Server Error\","
            + "\"message\":\"No message available\",\"path\":\"/nacos/v3/auth/user/login\"}")));
    server.stubFor(get(urlPathEqualTo(CONFIG_V3)).willReturn(aResponse().withStatus(403).withBody(FORBIDDEN_3)));

    assertThat(start("nacos", PASSWORD)).isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("check the username and password").hasMessageNotContaining(PASSWORD);
    server.verify(1, postRequestedFor(urlPathEqualTo(LOGIN_V3)));
  }

  @Test
  void a2xServerAnsweringAnUnknownUserWith500RefusesTheStart() {
    server.stubFor(post(urlPathEqualTo(LOGIN)).willReturn(aResponse().withStatus(500)
        .withBody("caused: User nobody not found;")));
    server.stubFor(get(urlPathEqualTo(CONFIGS)).willReturn(aResponse().withStatus(403).withBody(
        "{\"status\":403,\"error\":\"Forbidden\",\"message\":\"user not found!\",\"path\":\"/nacos/v1/cs/configs\"}")));

    assertThat(start("nobody", PASSWORD)).isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("login as 'nobody'").hasMessageContaining("check the username and password");
    server.verify(1, postRequestedFor(urlPathEqualTo(LOGIN)));
  }

  @Test
  void credentialsForAServerThatDemandsNoLoginAreLeftUnused() {
    // 2.5.1 with auth off knows no user: its login answers 500, its config API serves without a token.
    server.stubFor(post(urlPathEqualTo(LOGIN)).willReturn(aResponse().withStatus(500)
        .withBody("caused: User nacos not found;")));
    server.stubFor(get(urlPathEqualTo(CONFIGS)).willReturn(aResponse().withStatus(200).withBody("k=v1")));

    assertThat(engine.getConfig(KEY, Duration.ofSeconds(1)).content()).isEqualTo("k=v1");
    assertThat(engine.getConfig(KEY, Duration.ofSeconds(1)).content()).isEqualTo("k=v1");

    server.verify(1, postRequestedFor(urlPathEqualTo(LOGIN)));
    assertThat(server.findAll(getRequestedFor(urlPathEqualTo(CONFIGS))))
        .allSatisfy(r -> assertThat(r.containsHeader("accessToken")).isFalse());
  }

  @Test
  void aLoginThatFailsForAServerReasonIsNotTakenForRefusedCredentials() {
    // 2.x words a fault inside the login "caused: <exception>;"; an auth-enabled server refuses the probe.
    server.stubFor(post(urlPathEqualTo(LOGIN)).willReturn(aResponse().withStatus(500)
        .withBody("caused: HikariPool-1 - Connection is not available, request timed out after 3000ms.;")));
    server.stubFor(get(urlPathEqualTo(CONFIGS)).willReturn(aResponse().withStatus(403).withBody("token invalid!")));

    assertThatThrownBy(() -> engine.getConfig(KEY, Duration.ofSeconds(1)))
        .isInstanceOf(ServerUnavailableException.class).hasMessageContaining("HikariPool-1");
  }

  @Test
  void aLoginFaultOnOneServerMovesTheLoginToTheNext() {
    WireMockServer healthy = NacosTestSupport.startWireMock();
    try {
      server.stubFor(post(urlPathEqualTo(LOGIN)).willReturn(aResponse().withStatus(500).withBody("caused: db down;")));
      server.stubFor(get(urlPathEqualTo(CONFIGS)).willReturn(aResponse().withStatus(403).withBody("token invalid!")));
      healthy.stubFor(post(urlPathEqualTo(LOGIN)).willReturn(loginAnswer("tok-1")));
      healthy.stubFor(get(urlPathEqualTo(CONFIGS)).withHeader("accessToken", equalTo("tok-1"))
          .willReturn(aResponse().withStatus(200).withBody("from the healthy one")));
      MseClientConfig settings = MseClient.builder()
          .serverAddr("127.0.0.1:" + server.port() + ",127.0.0.1:" + healthy.port()).snapshotDir(snapshots)
          .requestTimeout(Duration.ofSeconds(2)).credentials("nacos", PASSWORD).ticker(ticker).toConfig();
      try (NacosTransport two = NacosEngine.transport(settings);
          NacosConfigEngine config = new NacosConfigEngine(NacosTestSupport.context(settings,
              new NacosTestSupport.RecordingSink()), two, new NamespaceCheck("", two, settings.requestTimeout()),
              new ManualScheduler())) {
        assertThat(config.getConfig(KEY, Duration.ofSeconds(1)).content()).isEqualTo("from the healthy one");
      }
      healthy.verify(1, postRequestedFor(urlPathEqualTo(LOGIN)));
    } finally {
      healthy.stop();
    }
  }

  @Test
  void refreshesTheTokenOnce90PercentOfItsTtlHasPassedByTheTicker() {
    stubLogins();
    stubConfigFor("tok-1", 200, "one");
    stubConfigFor("tok-2", 200, "two");

    assertThat(engine.getConfig(KEY, Duration.ofSeconds(1)).content()).isEqualTo("one");
    ticker.advance(Duration.ofSeconds(89));
    assertThat(engine.getConfig(KEY, Duration.ofSeconds(1)).content()).isEqualTo("one");
    server.verify(1, postRequestedFor(urlPathEqualTo(LOGIN)));

    ticker.advance(Duration.ofSeconds(2));
    assertThat(engine.getConfig(KEY, Duration.ofSeconds(1)).content()).isEqualTo("two");
    server.verify(2, postRequestedFor(urlPathEqualTo(LOGIN)));
  }

  @Test
  void aRefreshThatFailsForAServerReasonKeepsUsingTheStillValidToken() {
    server.stubFor(post(urlPathEqualTo(LOGIN)).inScenario("refresh").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(loginAnswer("tok-1")).willSetStateTo("throttled"));
    server.stubFor(post(urlPathEqualTo(LOGIN)).inScenario("refresh").whenScenarioStateIs("throttled")
        .willReturn(aResponse().withStatus(429).withBody("too many requests")));
    stubConfigFor("tok-1", 200, "one");

    assertThat(engine.getConfig(KEY, Duration.ofSeconds(1)).content()).isEqualTo("one");
    ticker.advance(Duration.ofSeconds(91));

    assertThat(engine.getConfig(KEY, Duration.ofSeconds(1)).content()).isEqualTo("one");
    server.verify(2, postRequestedFor(urlPathEqualTo(LOGIN)));
  }

  /**
   * Every wording of a refused token in the auth plugins of 2.5.1 and 3.0.3 (their string constants):
   * "Invalid signature" is what a server restarted with another signing key answers a token it issued
   * before (seen by NacosAuthIT), and was once taken for a refusal of rights.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"token invalid!", "token expired!", "expired token",
      "Invalid signature", "invalid token, username is empty", "user not found!", "unknown user!",
      "User not found! Please check user exist or password is right!",
      "Code: 401, Message: Invalid signature."}) // 3.0.3 restarted with another key (seen with curl)
  void logsInAgainOnceAndRetriesOnceWhenTheServerRefusesTheToken(String refusal) {
    stubLogins();
    stubConfigFor("tok-1", 403, "{\"status\":403,\"error\":\"Forbidden\",\"message\":\"" + refusal + "\"}");
    stubConfigFor("tok-2", 200, "k=v1");

    assertThat(engine.getConfig(KEY, Duration.ofSeconds(1)).content()).isEqualTo("k=v1");

    server.verify(2, postRequestedFor(urlPathEqualTo(LOGIN)));
    server.verify(2, getRequestedFor(urlPathEqualTo(CONFIGS)));
  }

  @Test
  void aTokenRefusedAgainAfterTheReLoginIsNotRetriedInALoop() {
    stubLogins();
    stubConfigFor("tok-1", 403, "{\"message\":\"token expired!\"}");
    stubConfigFor("tok-2", 403, "{\"message\":\"token expired!\"}");

    assertThatThrownBy(() -> engine.getConfig(KEY, Duration.ofSeconds(1))).isInstanceOf(AuthenticationException.class);

    server.verify(2, postRequestedFor(urlPathEqualTo(LOGIN)));
    server.verify(2, getRequestedFor(urlPathEqualTo(CONFIGS)));
  }

  @Test
  void noPermissionIsNotATokenProblem() {
    stubLogins();
    stubConfigFor("tok-1", 403, "{\"status\":403,\"message\":\"authorization failed!\"}");

    assertThatThrownBy(() -> engine.getConfig(KEY, Duration.ofSeconds(1))).isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("lacks the permission to read").hasMessageContaining("'nacos'");
    server.verify(1, postRequestedFor(urlPathEqualTo(LOGIN)));
  }

  @Test
  void wrongCredentialsFailTheClientStartClearlyOnceAndNeverShowThePassword() {
    server.stubFor(post(urlPathEqualTo(LOGIN)).willReturn(aResponse().withStatus(403).withBody("user not found!")));
    server.stubFor(get(urlPathEqualTo(CONFIGS)).willReturn(aResponse().withStatus(403).withBody("user not found!")));
    AtomicReference<Throwable> failure = new AtomicReference<>();
    MseClient.Builder builder = NacosTestSupport.builder(server, snapshots).credentials("nacos", PASSWORD);

    String logs = NacosTestSupport.captureStderr(() -> {
      try (MseClient client = builder.build()) {
        failure.set(null);
      } catch (RuntimeException e) {
        failure.set(e);
      }
    });

    assertThat(failure.get()).isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("login as 'nacos'").hasMessageContaining("check the username and password")
        .hasMessageNotContaining(PASSWORD);
    server.verify(1, postRequestedFor(urlPathEqualTo(LOGIN)));
    assertThat(logs).doesNotContain(PASSWORD);
    assertThat(builder.toConfig().toString()).doesNotContain(PASSWORD).contains("******");
    assertThat(transport.authenticator().toString()).doesNotContain(PASSWORD).contains("******");
  }

  @Test
  void noPasswordOrTokenInTheLogsOfAWorkingSession() {
    server.stubFor(post(urlPathEqualTo(LOGIN)).willReturn(loginAnswer(NacosTestSupport.TOKEN)));
    stubConfigFor(NacosTestSupport.TOKEN, 503, "busy");

    String logs = NacosTestSupport.captureStderr(() ->
        assertThatThrownBy(() -> engine.getConfig(KEY, Duration.ofSeconds(1))).isInstanceOf(RuntimeException.class));

    assertThat(logs).contains("Logged in").doesNotContain(PASSWORD).doesNotContain(NacosTestSupport.TOKEN);
  }
}

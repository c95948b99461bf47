package io.mse.client.nacos.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
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
import io.mse.client.MseClientConfig;
import io.mse.client.RequestRefusedException;
import io.mse.client.ServerUnavailableException;
import io.mse.client.config.ConfigKey;
import io.mse.client.spi.ConfigData;
import io.mse.client.spi.ContentMd5;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The config requests of the v1 open API, checked against stubs built from the transcripts. */
class NacosConfigEngineTest {

  private static final String CONFIGS = "/nacos/v1/cs/configs";

  @TempDir
  Path snapshots;

  private WireMockServer server;
  private NacosTransport transport;
  private NacosConfigEngine engine;
  private final ManualScheduler scheduler = new ManualScheduler();

  @BeforeEach
  void start() {
    server = NacosTestSupport.startWireMock();
    engine = engine(NacosTestSupport.builder(server, snapshots).toConfig());
  }

  private NacosConfigEngine engine(MseClientConfig settings) {
    transport = NacosEngine.transport(settings);
    return new NacosConfigEngine(NacosTestSupport.context(settings, new NacosTestSupport.RecordingSink()), transport,
        new NamespaceCheck(settings.namespace(), transport, settings.requestTimeout()), scheduler);
  }

  @AfterEach
  void stop() {
    engine.close();
    transport.close();
    server.stop();
  }

  @Test
  void readsContentAndTypeOfThePublicNamespaceWithoutTenant() {
    server.stubFor(get(urlPathEqualTo(CONFIGS)).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "text/plain;charset=UTF-8").withHeader("Config-Type", "properties")
        .withHeader("Content-MD5", NacosTestSupport.MD5_K_V1).withBody("k=v1")));

    ConfigData data = engine.getConfig(new ConfigKey("public", "DEFAULT_GROUP", "demo.properties"),
        java.time.Duration.ofSeconds(1));

    assertThat(data).isEqualTo(new ConfigData("k=v1", "properties", ContentMd5.parse(NacosTestSupport.MD5_K_V1)));
    server.verify(getRequestedFor(urlPathEqualTo(CONFIGS)).withQueryParam("dataId", equalTo("demo.properties"))
        .withQueryParam("group", equalTo("DEFAULT_GROUP")).withQueryParam("tenant", absent()));
  }

  @Test
  void readsWithTheNamespaceAsTenant() {
    server.stubFor(get(urlPathEqualTo(CONFIGS)).withQueryParam("tenant", equalTo("dev-ns"))
        .willReturn(aResponse().withStatus(200).withBody("tenant=yes")));

    assertThat(engine.getConfig(new ConfigKey("dev-ns", null, "demo.properties"), java.time.Duration.ofSeconds(1)))
        .isEqualTo(new ConfigData("tenant=yes", null));
  }

  /** 3.x answers a read right after a write 409 "being modified" for a moment: a caller's read waits it out. */
  @Test
  void aReadAnsweredBeingModifiedIsReadAgainShortlyWithinItsTimeout() {
    ConfigKey key = ConfigKey.of("busy", "DEFAULT_GROUP");
    server.stubFor(get(urlPathEqualTo(CONFIGS)).inScenario("busy").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(409).withBody("")).willSetStateTo("ready"));
    server.stubFor(get(urlPathEqualTo(CONFIGS)).inScenario("busy").whenScenarioStateIs("ready")
        .willReturn(aResponse().withStatus(200).withBody("k=v")));

    assertThat(engine.getConfig(key, java.time.Duration.ofSeconds(2)).content()).isEqualTo("k=v");
    server.verify(2, getRequestedFor(urlPathEqualTo(CONFIGS)));
  }

  @Test
  void mapsNotFoundToNullAndConflictAndForbiddenToClearExceptions() {
    ConfigKey key = ConfigKey.of("missing", "DEFAULT_GROUP");
    server.stubFor(get(urlPathEqualTo(CONFIGS)).willReturn(aResponse().withStatus(404).withBody("config data not exist\n")));
    assertThat(engine.getConfig(key, java.time.Duration.ofSeconds(1))).isNull();

    server.stubFor(get(urlPathEqualTo(CONFIGS)).willReturn(aResponse().withStatus(409).withBody("")));
    assertThatThrownBy(() -> engine.getConfig(key, java.time.Duration.ofSeconds(1)))
        .isInstanceOf(ServerUnavailableException.class).hasMessageContaining("being modified");

    server.stubFor(get(urlPathEqualTo(CONFIGS)).willReturn(aResponse().withStatus(403).withBody(
        "{\"status\":403,\"error\":\"Forbidden\",\"message\":\"user not found!\",\"path\":\"/nacos/v1/cs/configs\"}")));
    assertThatThrownBy(() -> engine.getConfig(key, java.time.Duration.ofSeconds(1)))
        .isInstanceOf(AuthenticationException.class).hasMessageContaining("requires a login");
  }

  @Test
  void publishesEverythingInTheFormBodyNeverTheQuery() {
    server.stubFor(post(urlPathEqualTo(CONFIGS)).willReturn(aResponse().withStatus(200).withBody("true")));
    String content = "k=v1\nlong=" + "x".repeat(10_000) + "\nunicode=ü&=+%";

    assertThat(engine.publishConfig(ConfigKey.of("demo.properties", null), content, "properties", null)).isTrue();

    LoggedRequest request = single(postRequestedFor(urlPathEqualTo(CONFIGS)));
    assertThat(request.getUrl()).isEqualTo(CONFIGS);
    assertThat(request.getHeader("Content-Type")).startsWith("application/x-www-form-urlencoded");
    assertThat(form(request)).containsExactly("dataId=demo.properties", "group=DEFAULT_GROUP", "content=" + content,
        "type=properties");
  }

  /** Nacos 2.5.1's answer to a compare-and-set whose MD5 does not match (curl transcript). */
  static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder casConflict2x() {
    return aResponse().withStatus(500).withHeader("Content-Type", "text/plain;charset=UTF-8")
        .withBody("caused: Cas publish fail, server md5 may have changed.;");
  }

  /** Nacos 3.0.3's answer to the same (curl transcript): a bare false with a 500. */
  static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder casConflict3x() {
    return aResponse().withStatus(500).withHeader("Content-Type", "application/json;charset=UTF-8").withBody("false");
  }

  @Test
  void publishesTheExpectedMd5InACasMd5HeaderAndReportsAConflictOfEitherLineAsFalse() {
    server.stubFor(get(urlPathEqualTo(CONFIGS)).willReturn(aResponse().withStatus(200).withBody("a: 1")));
    ConfigKey key = new ConfigKey("dev-ns", "G", "a.yaml");
    for (var conflict : List.of(casConflict2x(), casConflict3x())) {
      server.stubFor(post(urlPathEqualTo(CONFIGS)).willReturn(conflict));

      assertThat(engine.publishConfig(key, "a: 2", null, NacosTestSupport.MD5_K_V1)).isFalse();

      LoggedRequest request = single(postRequestedFor(urlPathEqualTo(CONFIGS)));
      assertThat(request.getHeader("casMd5")).isEqualTo(NacosTestSupport.MD5_K_V1);
      assertThat(form(request)).containsExactly("dataId=a.yaml", "group=G", "tenant=dev-ns", "content=a: 2");
    }
    server.stubFor(post(urlPathEqualTo(CONFIGS)).willReturn(aResponse().withStatus(200).withBody("true")));
    assertThat(engine.publishConfig(key, "a: 2", null, NacosTestSupport.MD5_K_V1)).isTrue();
  }

  @Test
  void aCasConflictIsTheAnswerNotAFaultToTryOnAnotherServer() {
    WireMockServer other = NacosTestSupport.startWireMock();
    try {
      for (WireMockServer each : List.of(server, other)) {
        each.stubFor(get(urlPathEqualTo(CONFIGS)).willReturn(aResponse().withStatus(200).withBody("a: 1")));
        each.stubFor(post(urlPathEqualTo(CONFIGS)).willReturn(casConflict3x()));
      }
      MseClientConfig two = NacosTestSupport.builder(server, snapshots)
          .serverAddr("127.0.0.1:" + server.port() + ",127.0.0.1:" + other.port()).toConfig();
      engine.close();
      transport.close();
      engine = engine(two);

      assertThat(engine.publishConfig(ConfigKey.of("a.yaml", "G"), "a: 2", null, NacosTestSupport.MD5_K_V1)).isFalse();

      assertThat(server.findAll(postRequestedFor(urlPathEqualTo(CONFIGS))).size()
          + other.findAll(postRequestedFor(urlPathEqualTo(CONFIGS))).size()).isEqualTo(1);
    } finally {
      other.stop();
    }
  }

  @Test
  void casOverAnAbsentConfigIsFalseWithoutPublishing() {
    server.stubFor(get(urlPathEqualTo(CONFIGS)).willReturn(aResponse().withStatus(404).withBody("config data not exist\n")));
    server.stubFor(post(urlPathEqualTo(CONFIGS)).willReturn(aResponse().withStatus(200).withBody("true")));

    assertThat(engine.publishConfig(ConfigKey.of("a", null), "new", null, NacosTestSupport.MD5_K_V1)).isFalse();

    server.verify(0, postRequestedFor(urlPathEqualTo(CONFIGS)));
  }

  @Test
  void casExpectingNoConfigSendsAnMd5NoContentHasAndReadsNothingFirst() {
    server.stubFor(post(urlPathEqualTo(CONFIGS)).willReturn(casConflict2x()));
    assertThat(engine.publishConfig(ConfigKey.of("a", null), "new", null, "")).isFalse();

    server.stubFor(post(urlPathEqualTo(CONFIGS)).willReturn(aResponse().withStatus(200).withBody("true")));
    assertThat(engine.publishConfig(ConfigKey.of("a", null), "new", null, "")).isTrue();

    server.verify(0, getRequestedFor(urlPathEqualTo(CONFIGS)));
    assertThat(server.findAll(postRequestedFor(urlPathEqualTo(CONFIGS))))
        .allSatisfy(r -> assertThat(r.getHeader("casMd5")).isEqualTo(NacosConfigEngine.NO_CONTENT_MD5));
  }

  @Test
  void aRefusalOfTheServerIsTypedWithItsStatusAndWords() {
    // Nacos 2.5.1 and 3.0.3 alike (curl transcript of a publish with a blank content)
    server.stubFor(post(urlPathEqualTo(CONFIGS)).willReturn(aResponse().withStatus(400)
        .withHeader("Content-Type", "text/plain;charset=UTF-8").withBody("caused: content is blank :  ;")));
    ConfigKey key = ConfigKey.of("a.yaml", "G");

    assertThatThrownBy(() -> engine.publishConfig(key, " ", null, null))
        .isInstanceOfSatisfying(RequestRefusedException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.reason()).isEqualTo("caused: content is blank :  ;");
          assertThat(e.resource()).isEqualTo(key.toString());
        }).hasMessageContaining("publish the config");

    server.stubFor(get(urlPathEqualTo(CONFIGS)).willReturn(aResponse().withStatus(400)
        .withBody("Param 'dataId' is illegal, illegal characters should not appear in the param.")));
    assertThatThrownBy(() -> engine.getConfig(key, java.time.Duration.ofSeconds(1)))
        .isInstanceOf(RequestRefusedException.class).hasMessageContaining("Param 'dataId' is illegal");

    server.stubFor(delete(urlPathEqualTo(CONFIGS)).willReturn(aResponse().withStatus(504).withBody("gateway")));
    assertThatThrownBy(() -> engine.removeConfig(key)).isInstanceOf(ServerUnavailableException.class)
        .hasMessageContaining("504");
  }

  @Test
  void removesWithDeleteAndQueryParameters() {
    server.stubFor(delete(urlPathEqualTo(CONFIGS)).willReturn(aResponse().withStatus(200).withBody("true")));

    assertThat(engine.removeConfig(new ConfigKey("dev-ns", null, "demo.properties"))).isTrue();

    server.verify(deleteRequestedFor(urlPathEqualTo(CONFIGS)).withQueryParam("dataId", equalTo("demo.properties"))
        .withQueryParam("group", equalTo("DEFAULT_GROUP")).withQueryParam("tenant", equalTo("dev-ns")));
  }

  @Test
  void serverErrorsOfEveryServerBecomeServerUnavailable() {
    server.stubFor(get(urlPathEqualTo(CONFIGS)).willReturn(aResponse().withStatus(503)));

    assertThatThrownBy(() -> engine.getConfig(ConfigKey.of("a", null), java.time.Duration.ofSeconds(1)))
        .isInstanceOf(ServerUnavailableException.class).hasMessageContaining("503");
  }

  private LoggedRequest single(com.github.tomakehurst.wiremock.matching.RequestPatternBuilder pattern) {
    List<LoggedRequest> requests = server.findAll(pattern);
    assertThat(requests).hasSize(1);
    server.resetRequests();
    return requests.get(0);
  }

  /** Decodes a form body into "name=value" strings, in order. */
  static List<String> form(LoggedRequest request) {
    String body = request.getBodyAsString();
    return java.util.Arrays.stream(body.split("&"))
        .map(pair -> URLDecoder.decode(pair, StandardCharsets.UTF_8)).toList();
  }
}

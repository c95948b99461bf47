package io.mse.client;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.mse.client.config.ConfigKey;
import io.mse.client.config.ConfigListener;
import io.mse.client.config.ListenedConfig;
import io.mse.client.naming.FollowedService;
import io.mse.client.naming.Instance;
import io.mse.client.naming.NamingListener;
import io.mse.client.naming.RegisteredInstance;
import io.mse.client.naming.ServiceKey;
import io.mse.client.spi.Md5;
import io.mse.client.testing.FakeEngine;
import io.mse.client.testing.FakeEngineProvider;
import io.mse.client.testing.FakeTicker;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The read-only views of MseClient: registrations, followed services, listened configs, server status. */
class MseClientIntrospectionTest {

  private static final Duration WAIT = Duration.ofSeconds(5);

  @TempDir
  Path snapshots;

  private MseClient fakeClient(String name) {
    return MseClient.builder().serverAddr("fake://" + name).snapshotDir(snapshots).build();
  }

  @Test
  void registrationsListWhatWasRegisteredAndNotDeregistered() {
    try (MseClient client = fakeClient("introspect-reg")) {
      Instant before = Instant.now();
      client.naming().registerInstance("order-service", "SHOP", Instance.of("10.0.0.1", 8080));
      client.naming().registerInstance("order-service", "SHOP", Instance.of("10.0.0.2", 8080));
      client.naming().deregisterInstance("order-service", "SHOP", Instance.of("10.0.0.1", 8080));

      List<RegisteredInstance> registrations = client.registrations();
      assertThat(registrations).hasSize(1);
      assertThat(registrations.get(0).service()).isEqualTo(new ServiceKey("", "SHOP", "order-service"));
      assertThat(registrations.get(0).instance().address()).isEqualTo("10.0.0.2:8080");
      assertThat(registrations.get(0).registeredAt()).isAfterOrEqualTo(before);
    }
  }

  @Test
  void followedServicesShowCountsListenersAndTheLastChange() {
    try (MseClient client = fakeClient("introspect-svc")) {
      FakeEngine engine = FakeEngineProvider.engine("introspect-svc");
      ServiceKey key = new ServiceKey("", "DEFAULT_GROUP", "stock-service");
      engine.push(key, List.of(), true);
      assertThat(client.followedServices()).isEmpty();

      NamingListener listener = event -> { };
      client.naming().subscribe("stock-service", "DEFAULT_GROUP", listener);
      engine.push(key, List.of(Instance.of("10.0.0.1", 80),
          Instance.builder().ip("10.0.0.2").port(80).healthy(false).build()), true);

      await().atMost(WAIT).untilAsserted(() -> assertThat(client.followedServices()).singleElement()
          .satisfies(s -> {
            assertThat(s.service()).isEqualTo(key);
            assertThat(s.instances()).isEqualTo(2);
            assertThat(s.healthy()).isEqualTo(1);
            assertThat(s.listeners()).isEqualTo(1);
            assertThat(s.lastChanged()).isNotNull();
          }));
    }
  }

  @Test
  void listenedConfigsShowTheMd5HeldAndFollowChanges() {
    try (MseClient client = fakeClient("introspect-cfg")) {
      FakeEngine engine = FakeEngineProvider.engine("introspect-cfg");
      ConfigKey key = new ConfigKey("", "DEFAULT_GROUP", "app.properties");
      client.config().publishConfig("app.properties", "DEFAULT_GROUP", "a=1");
      ConfigListener listener = event -> { };
      client.config().addListener("app.properties", "DEFAULT_GROUP", listener);

      assertThat(client.listenedConfigs()).singleElement().satisfies(c -> {
        assertThat(c.key()).isEqualTo(key);
        assertThat(c.md5()).isEqualTo(Md5.of("a=1"));
        assertThat(c.listeners()).isEqualTo(1);
        assertThat(c.lastChanged()).isNotNull();
        assertThat(c.failoverOverride()).isFalse();
      });

      engine.pushConfig(key, "a=2");
      await().atMost(WAIT).untilAsserted(() -> assertThat(client.listenedConfigs())
          .extracting(ListenedConfig::md5).containsExactly(Md5.of("a=2")));

      client.config().removeListener("app.properties", "DEFAULT_GROUP", listener);
      assertThat(client.listenedConfigs()).isEmpty();
    }
  }

  @Test
  void anEngineThatDoesNotTrackItsServerReportsItReachable() {
    try (MseClient client = fakeClient("introspect-status")) {
      assertThat(client.serverStatus()).isEqualTo(ServerStatus.REACHABLE);
    }
  }

  @Test
  void aNacosServerIsUnreachableFromTheFirstUnansweredRequestUntilOneIsAnswered() {
    WireMockServer server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    server.start();
    FakeTicker ticker = new FakeTicker();
    try (MseClient client = MseClient.builder().serverAddr("127.0.0.1:" + server.port()).snapshotDir(snapshots)
        .requestTimeout(Duration.ofSeconds(2)).ticker(ticker).build()) {
      server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(503).withBody("down")));
      assertThatThrownBy(() -> client.config().getConfig("app.properties", "DEFAULT_GROUP"))
          .isInstanceOf(ServerUnavailableException.class);
      ticker.advance(Duration.ofSeconds(7));

      ServerStatus status = client.serverStatus();
      assertThat(status.reachable()).isFalse();
      assertThat(status.unreachableFor()).isEqualTo(Duration.ofSeconds(7));
      assertThat(status.lastFault()).contains("503");

      server.stubFor(get(urlPathEqualTo("/nacos/v1/cs/configs")).willReturn(aResponse().withStatus(200).withBody("a=1")));
      assertThat(client.config().getConfig("app.properties", "DEFAULT_GROUP")).isEqualTo("a=1");
      assertThat(client.serverStatus()).isEqualTo(ServerStatus.REACHABLE);
    } finally {
      server.stop();
    }
  }
}

package io.mse.client.nacos.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.mse.client.MseClient;
import io.mse.client.config.ConfigChangeEvent;
import io.mse.client.config.ConfigKey;
import io.mse.client.internal.SnapshotStore;
import io.mse.client.naming.Instance;
import io.mse.client.naming.NamingEvent;
import io.mse.client.naming.ServiceKey;
import io.mse.client.testing.LogCapture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad answers from a server that otherwise works: 5xx, answers later than the deadline, reset
 * connections, truncated bodies, bodies that are not what the API answers (HTML, cut JSON), and
 * bodies dribbled byte by byte past the deadline. For each, through a whole client (cache layer and
 * Nacos engine) against WireMock: the good state held is not wiped (reads, snapshot, no listener
 * event), the background thread that met the fault goes on (the next good answer heals the state),
 * and the fault is logged at WARN once, naming the server and the key, however often it repeats.
 */
@Timeout(90)
class NacosBadAnswersTest {

  private static final String CONFIGS = "/nacos/v1/cs/configs";
  private static final String LISTENER = "/nacos/v1/cs/configs/listener";
  private static final String LIST = "/nacos/v1/ns/instance/list";
  private static final String DATA_ID = "bad-answers.properties";
  private static final String SERVICE = "bad-answers-svc";
  private static final String GROUPED = "DEFAULT_GROUP@@" + SERVICE;

  @TempDir
  Path snapshots;

  private WireMockServer server;
  private String serverName;

  @BeforeEach
  void start() {
    server = NacosTestSupport.startWireMock();
    serverName = "127.0.0.1:" + server.port();
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  private MseClient client() {
    return NacosTestSupport.builder(server, snapshots).requestTimeout(Duration.ofSeconds(1))
        .property("nacos.pushEnabled", "false").build();
  }

  /** Answers a server (or a proxy in front of it) gives instead of the real one. */
  static Stream<Arguments> badAnswers() {
    return Stream.of(
        Arguments.of("500", (Supplier<ResponseDefinitionBuilder>) () -> aResponse().withStatus(500)
            .withBody("caused: java.lang.NullPointerException;")),
        Arguments.of("502 from a proxy", (Supplier<ResponseDefinitionBuilder>) () -> aResponse().withStatus(502)
            .withBody("<html><body>Bad Gateway</body></html>")),
        Arguments.of("an answer after the deadline", (Supplier<ResponseDefinitionBuilder>) () -> aResponse()
            .withStatus(200).withBody("k=late").withFixedDelay(1500)),
        Arguments.of("a reset connection", (Supplier<ResponseDefinitionBuilder>) () -> aResponse()
            .withFault(Fault.CONNECTION_RESET_BY_PEER)),
        Arguments.of("a truncated chunked body", (Supplier<ResponseDefinitionBuilder>) () -> aResponse()
            .withFault(Fault.MALFORMED_RESPONSE_CHUNK)),
        Arguments.of("garbage then close", (Supplier<ResponseDefinitionBuilder>) () -> aResponse()
            .withFault(Fault.RANDOM_DATA_THEN_CLOSE)),
        Arguments.of("a body dribbled byte by byte past the deadline", (Supplier<ResponseDefinitionBuilder>) () ->
            aResponse().withStatus(200).withBody("k=" + "x".repeat(40)).withChunkedDribbleDelay(42, 2000)));
  }

  /** Answers that arrive whole and well-formed as HTTP but are no instance list. */
  static Stream<Arguments> badLists() {
    return Stream.concat(badAnswers().filter(a -> !a.get()[0].toString().startsWith("502")
        && !a.get()[0].toString().startsWith("garbage") && !a.get()[0].toString().contains("truncated")), Stream.of(
        Arguments.of("an HTML page", (Supplier<ResponseDefinitionBuilder>) () -> aResponse().withStatus(200)
            .withHeader("Content-Type", "text/html").withBody("<html><body>maintenance</body></html>")),
        Arguments.of("cut JSON", (Supplier<ResponseDefinitionBuilder>) () -> aResponse().withStatus(200)
            .withBody("{\"name\":\"" + GROUPED + "\",\"hosts\":[{\"ip\":\"127.0.0.1\",\"po")),
        Arguments.of("an empty body", (Supplier<ResponseDefinitionBuilder>) () -> aResponse().withStatus(200)
            .withBody("")),
        Arguments.of("a list marked invalid", (Supplier<ResponseDefinitionBuilder>) () -> aResponse().withStatus(200)
            .withBody("{\"name\":\"" + GROUPED + "\",\"cacheMillis\":1000,\"hosts\":[],\"lastRefTime\":"
                + "1500,\"valid\":false}")),
        Arguments.of("a list without hosts", (Supplier<ResponseDefinitionBuilder>) () -> aResponse().withStatus(200)
            .withBody("{\"name\":\"" + GROUPED + "\",\"cacheMillis\":1000,\"lastRefTime\":1500}"))));
  }

  @ParameterizedTest(name = "read of a changed config answered with {0}")
  @MethodSource("badAnswers")
  void aChangedConfigWhoseReadFailsKeepsTheContentHeldUntilAGoodRead(String fault,
      Supplier<ResponseDefinitionBuilder> answer) {
    stubConfig(answer.get());
    List<ConfigChangeEvent> events = new CopyOnWriteArrayList<>();
    ConfigKey key = ConfigKey.of(DATA_ID, "DEFAULT_GROUP");
    try (MseClient client = client()) {
      assertThat(client.config().getConfigAndAddListener(DATA_ID, null, Duration.ofSeconds(1), events::add))
          .isEqualTo("k=v1");
      SnapshotStore store = new SnapshotStore(snapshots, serverName, "");
      await().until(() -> store.readConfig(key).isPresent());
      try (LogCapture logs = LogCapture.start()) {
        int before = readsOf(DATA_ID);
        server.setScenarioState("config", "faulty");
        // the read of the changed key fails twice at least, the watcher backing off in between
        await().atMost(Duration.ofSeconds(30)).until(() -> readsOf(DATA_ID) >= before + 2);

        assertThat(client.config().getConfig(DATA_ID, null)).isEqualTo("k=v1");
        assertThat(store.readConfig(key)).contains("k=v1");
        assertThat(events).isEmpty();
        assertOneWarning(logs, key.toString());
      }
      server.setScenarioState("config", "healed");
      await().atMost(Duration.ofSeconds(30)).until(() -> events.size() == 1);
      assertThat(events.get(0).content()).isEqualTo("k=v2");
      assertThat(client.config().getConfig(DATA_ID, null)).isEqualTo("k=v2");
      await().until(() -> store.readConfig(key).equals(java.util.Optional.of("k=v2")));
    }
  }

  @ParameterizedTest(name = "long poll answered with {0}")
  @MethodSource("badPolls")
  void aBadPollAnswerKeepsTheContentAndTheWatchGoesOn(String fault, Supplier<ResponseDefinitionBuilder> answer) {
    stubConfig(aResponse().withStatus(200).withBody("k=v2"));
    server.stubFor(post(urlPathEqualTo(LISTENER)).withHeader("Long-Pulling-Timeout-No-Hangup", absent())
        .inScenario("config").whenScenarioStateIs("bad-poll").willReturn(answer.get()));
    List<ConfigChangeEvent> events = new CopyOnWriteArrayList<>();
    ConfigKey key = ConfigKey.of(DATA_ID, "DEFAULT_GROUP");
    try (MseClient client = client()) {
      client.config().getConfigAndAddListener(DATA_ID, null, Duration.ofSeconds(1), events::add);
      try (LogCapture logs = LogCapture.start()) {
        int before = pollsWithHangup();
        server.setScenarioState("config", "bad-poll");
        await().atMost(Duration.ofSeconds(30)).until(() -> pollsWithHangup() >= before + 2);
        assertThat(client.config().getConfig(DATA_ID, null)).isEqualTo("k=v1");
        assertThat(events).isEmpty();
        assertOneWarning(logs, key.toString());
      }
      server.setScenarioState("config", "healed");
      await().atMost(Duration.ofSeconds(40)).until(() -> events.size() == 1);
      assertThat(events.get(0).content()).isEqualTo("k=v2");
    }
  }

  /** What a long poll may be answered with (a late answer is its normal case; the deadline is 1.5 holds). */
  static Stream<Arguments> badPolls() {
    return Stream.of(
        Arguments.of("503", (Supplier<ResponseDefinitionBuilder>) () -> aResponse().withStatus(503)
            .withBody("server is DOWN now, please try again later!")),
        Arguments.of("a reset connection", (Supplier<ResponseDefinitionBuilder>) () -> aResponse()
            .withFault(Fault.CONNECTION_RESET_BY_PEER)),
        Arguments.of("a truncated chunked body", (Supplier<ResponseDefinitionBuilder>) () -> aResponse()
            .withFault(Fault.MALFORMED_RESPONSE_CHUNK)),
        Arguments.of("an HTML page (answered at once: no poll loop)", (Supplier<ResponseDefinitionBuilder>) () ->
            aResponse().withStatus(200).withHeader("Content-Type", "text/html")
                .withBody("<html><body>maintenance</body></html>")));
  }

  @ParameterizedTest(name = "instance-list poll answered with {0}")
  @MethodSource("badLists")
  void aBadListAnswerKeepsTheInstancesUntilAGoodList(String fault, Supplier<ResponseDefinitionBuilder> answer) {
    server.stubFor(get(urlPathEqualTo(LIST)).inScenario("list").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(200).withBody(NacosNamingTranscripts.list(GROUPED, 1000, 1000, 9001, 9002))));
    server.stubFor(get(urlPathEqualTo(LIST)).inScenario("list").whenScenarioStateIs("faulty").willReturn(answer.get()));
    server.stubFor(get(urlPathEqualTo(LIST)).inScenario("list").whenScenarioStateIs("healed")
        .willReturn(aResponse().withStatus(200).withBody(NacosNamingTranscripts.list(GROUPED, 2000, 1000, 9001, 9002, 9003))));
    List<NamingEvent> events = new CopyOnWriteArrayList<>();
    ServiceKey key = new ServiceKey("", "DEFAULT_GROUP", SERVICE);
    try (MseClient client = client()) {
      client.naming().subscribe(SERVICE, "DEFAULT_GROUP", events::add);
      await().until(() -> events.size() == 1);
      try (LogCapture logs = LogCapture.start()) {
        int before = listReads();
        server.setScenarioState("list", "faulty");
        await().atMost(Duration.ofSeconds(30)).until(() -> listReads() >= before + 2);
        assertThat(client.naming().getAllInstances(SERVICE)).extracting(Instance::port).containsExactly(9001, 9002);
        assertThat(new SnapshotStore(snapshots, serverName, "").readInstances(key))
            .hasValueSatisfying(list -> assertThat(list).hasSize(2));
        assertThat(events).hasSize(1);
        assertOneWarning(logs, key.toString());
      }
      server.setScenarioState("list", "healed");
      await().atMost(Duration.ofSeconds(40)).until(() -> events.size() == 2);
      assertThat(events.get(1).instances()).extracting(Instance::port).containsExactly(9001, 9002, 9003);
    }
  }

  static Stream<Arguments> badBeats() {
    return Stream.of(
        Arguments.of("500", (Supplier<ResponseDefinitionBuilder>) () -> aResponse().withStatus(500)
            .withBody("caused: java.lang.NullPointerException;")),
        Arguments.of("an answer after the deadline", (Supplier<ResponseDefinitionBuilder>) () -> aResponse()
            .withStatus(200).withBody(NacosNamingTranscripts.BEAT_OK).withFixedDelay(1500)),
        Arguments.of("a reset connection", (Supplier<ResponseDefinitionBuilder>) () -> aResponse()
            .withFault(Fault.CONNECTION_RESET_BY_PEER)),
        Arguments.of("an HTML page", (Supplier<ResponseDefinitionBuilder>) () -> aResponse().withStatus(200)
            .withHeader("Content-Type", "text/html").withBody("<html><body>maintenance</body></html>")),
        Arguments.of("cut JSON", (Supplier<ResponseDefinitionBuilder>) () -> aResponse().withStatus(200)
            .withBody("{\"clientBeatInterval\":50")));
  }

  @ParameterizedTest(name = "beat answered with {0}")
  @MethodSource("badBeats")
  void aBadBeatAnswerKeepsTheBeatsGoingAndRegistersNothingTwice(String fault,
      Supplier<ResponseDefinitionBuilder> answer) {
    String instancePath = "/nacos/v1/ns/instance";
    String beatPath = instancePath + "/beat";
    server.stubFor(post(urlPathEqualTo(instancePath)).willReturn(aResponse().withStatus(200).withBody("ok")));
    server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.put(urlPathEqualTo(beatPath)).inScenario("beat")
        .whenScenarioStateIs(Scenario.STARTED).willReturn(answer.get()));
    server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.put(urlPathEqualTo(beatPath)).inScenario("beat")
        .whenScenarioStateIs("lost").willReturn(aResponse().withStatus(200)
            .withBody("{\"clientBeatInterval\":5000,\"code\":20404}")));
    io.mse.client.MseClientConfig config = NacosTestSupport.builder(server, snapshots)
        .requestTimeout(Duration.ofSeconds(1)).toConfig();
    NacosTransport transport = NacosTestSupport.transport(server, Duration.ofSeconds(1));
    ManualNamingScheduler scheduler = new ManualNamingScheduler();
    NacosNamingEngine engine = new NacosNamingEngine(NacosTestSupport.context(config, new NacosTestSupport.RecordingSink()),
        transport::send, NamingSettings.of(config), "http://" + serverName, scheduler);
    ServiceKey service = new ServiceKey("", "DEFAULT_GROUP", SERVICE);
    Instance instance = Instance.of("127.0.0.1", 9001);
    try (LogCapture logs = LogCapture.start()) {
      engine.registerInstance(service, instance);
      for (int i = 0; i < 3; i++) {
        scheduler.advance(Duration.ofMillis(5000));
      }
      assertThat(server.findAll(com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor(
          urlPathEqualTo(beatPath)))).hasSize(3);
      assertThat(server.findAll(postRequestedFor(urlPathEqualTo(instancePath)))).hasSize(1);
      assertThat(engine.isBeating(service, instance)).isTrue();
      assertOneWarning(logs, service.toString());
      // the chain is alive: a beat that finds the instance lost registers it again
      server.setScenarioState("beat", "lost");
      scheduler.advance(Duration.ofMillis(5000));
      assertThat(server.findAll(postRequestedFor(urlPathEqualTo(instancePath)))).hasSize(2);
    } finally {
      engine.close();
      transport.close();
    }
  }

  private void stubConfig(ResponseDefinitionBuilder faulty) {
    server.stubFor(get(urlPathEqualTo(CONFIGS)).inScenario("config").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(200).withBody("k=v1")));
    server.stubFor(get(urlPathEqualTo(CONFIGS)).inScenario("config").whenScenarioStateIs("faulty").willReturn(faulty));
    server.stubFor(get(urlPathEqualTo(CONFIGS)).inScenario("config").whenScenarioStateIs("bad-poll")
        .willReturn(aResponse().withStatus(200).withBody("k=v1")));
    server.stubFor(get(urlPathEqualTo(CONFIGS)).inScenario("config").whenScenarioStateIs("healed")
        .willReturn(aResponse().withStatus(200).withBody("k=v2")));
    server.stubFor(post(urlPathEqualTo(LISTENER)).withHeader("Long-Pulling-Timeout-No-Hangup", equalTo("true"))
        .willReturn(aResponse().withStatus(200).withBody("")));
    server.stubFor(post(urlPathEqualTo(LISTENER)).withHeader("Long-Pulling-Timeout-No-Hangup", absent())
        .inScenario("config").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(200).withBody("").withFixedDelay(300)));
    for (String state : List.of("faulty", "healed")) {
      server.stubFor(post(urlPathEqualTo(LISTENER)).withHeader("Long-Pulling-Timeout-No-Hangup", absent())
          .inScenario("config").whenScenarioStateIs(state)
          .willReturn(aResponse().withStatus(200).withBody(DATA_ID + "%02DEFAULT_GROUP%01\n").withFixedDelay(50)));
    }
  }

  private int readsOf(String dataId) {
    return server.findAll(getRequestedFor(urlPathEqualTo(CONFIGS)).withQueryParam("dataId", equalTo(dataId))).size();
  }

  private int pollsWithHangup() {
    return server.findAll(postRequestedFor(urlPathEqualTo(LISTENER)).withoutHeader("Long-Pulling-Timeout-No-Hangup"))
        .size();
  }

  private int listReads() {
    return server.findAll(getRequestedFor(urlPathEqualTo(LIST))).size();
  }

  /** Exactly one WARN line, and it names the server and the key. */
  private void assertOneWarning(LogCapture logs, String key) {
    // the request reached WireMock before the client handled its failure: wait for the client's side
    await().atMost(Duration.ofSeconds(10)).until(() -> logs.lines("WARN").stream().anyMatch(l -> l.contains("io.mse.client")));
    List<String> warnings = logs.lines("WARN").stream().filter(l -> l.contains("io.mse.client")).toList();
    assertThat(warnings).as("WARN lines of one repeated fault").hasSize(1);
    assertThat(warnings.get(0)).contains(serverName).contains(key);
  }
}

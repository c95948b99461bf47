package io.mse.client.nacos.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.mse.client.nacos.internal.NacosNamingTranscripts.BEAT_OK;
import static io.mse.client.nacos.internal.NacosNamingTranscripts.DEMO_SVC_LIST;
import static io.mse.client.nacos.internal.NacosNamingTranscripts.PERSISTENT_INTO_EPHEMERAL;
import static io.mse.client.nacos.internal.NacosNamingTranscripts.SERVICES;
import static io.mse.client.nacos.internal.NacosNamingTranscripts.list;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.mse.client.AuthenticationException;
import io.mse.client.MseClient;
import io.mse.client.MseClientConfig;
import io.mse.client.MseException;
import io.mse.client.RequestRefusedException;
import io.mse.client.ServerUnavailableException;
import io.mse.client.Ticker;
import io.mse.client.naming.Instance;
import io.mse.client.naming.ServiceKey;
import io.mse.client.spi.EngineContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Protocol tests of the Nacos naming engine against WireMock stubs built from the server transcripts. */
class NacosNamingEngineTest {

  private static final AtomicInteger IDS = new AtomicInteger();
  private static final String INSTANCE = "/nacos/v1/ns/instance";
  private static final String BEAT = "/nacos/v1/ns/instance/beat";
  private static final String LIST = "/nacos/v1/ns/instance/list";
  private static final String SERVICE_LIST = "/nacos/v1/ns/service/list";

  private final ServiceKey demo = new ServiceKey("", "DEFAULT_GROUP", "demo-svc");
  private final Instance full = Instance.builder().ip("10.0.0.7").port(8080).weight(3.0).clusterName("c1")
      .metadata("v", "1").build();

  private WireMockServer server;
  private NacosTransport transport;
  private ManualNamingScheduler scheduler;
  private RecordingNamingSink sink;
  private NacosNamingEngine engine;
  private ExecutorService threads;

  @BeforeEach
  void start() {
    server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    server.start();
    server.stubFor(post(urlPathEqualTo(INSTANCE)).willReturn(ok("ok")));
    server.stubFor(put(urlPathEqualTo(INSTANCE)).willReturn(ok("ok")));
    server.stubFor(delete(urlPathEqualTo(INSTANCE)).willReturn(ok("ok")));
    server.stubFor(put(urlPathEqualTo(BEAT)).willReturn(okJson(BEAT_OK)));
    engine = engine(Map.of(), null);
  }

  @AfterEach
  void stop() {
    engine.close();
    if (threads != null) {
      threads.shutdownNow();
    }
    transport.close();
    server.stop();
  }

  /** Makes an engine on a manual scheduler; {@code wrap} may intercept what it sends. */
  private NacosNamingEngine engine(Map<String, String> properties, java.util.function.UnaryOperator<NacosSender> wrap) {
    MseClient.Builder builder = MseClient.builder().serverAddr("127.0.0.1:" + server.port())
        .requestTimeout(Duration.ofSeconds(2));
    properties.forEach(builder::property);
    MseClientConfig config = builder.toConfig();
    if (transport == null) {
      transport = new NacosTransport(NacosAddress.parse(config.serverAddr(), null),
          NacosTransport.defaultClient(config.requestTimeout()), Ticker.system());
    }
    scheduler = new ManualNamingScheduler();
    sink = new RecordingNamingSink();
    EngineContext context = new EngineContext(config, "t" + IDS.incrementAndGet(), (key, content) -> null, sink);
    NacosSender sender = transport::send;
    return new NacosNamingEngine(context, wrap == null ? sender : wrap.apply(sender), NamingSettings.of(config),
        transport.address().servers().get(0), scheduler);
  }

  private void advance(long millis) {
    scheduler.advance(Duration.ofMillis(millis));
  }

  /** Advances the scheduler 10 ms at a time until the next list poll; returns how long that took. */
  private long millisToNextPoll() {
    int before = count(getRequestedFor(urlPathEqualTo(LIST)));
    long waited = 0;
    while (count(getRequestedFor(urlPathEqualTo(LIST))) == before && waited < 120_000) {
      advance(10);
      waited += 10;
    }
    return waited;
  }

  private int count(com.github.tomakehurst.wiremock.matching.RequestPatternBuilder pattern) {
    return server.findAll(pattern).size();
  }

  private void stubList(String json) {
    server.stubFor(get(urlPathEqualTo(LIST)).willReturn(okJson(json)));
  }

  // ---- register / deregister / update

  @Test
  void registerSendsTheWholeInstanceUnderTheGroupedNameInTheNamespace() {
    engine.registerInstance(new ServiceKey("dev-ns", "g1", "svc"), full);

    server.verify(1, postRequestedFor(urlPathEqualTo(INSTANCE))
        .withHeader("User-Agent", matching("Nacos-Java-Client:v.*"))
        .withFormParam("namespaceId", equalTo("dev-ns"))
        .withFormParam("serviceName", equalTo("g1@@svc"))
        .withFormParam("groupName", equalTo("g1"))
        .withFormParam("clusterName", equalTo("c1"))
        .withFormParam("ip", equalTo("10.0.0.7"))
        .withFormParam("port", equalTo("8080"))
        .withFormParam("weight", equalTo("3.0"))
        .withFormParam("enabled", equalTo("true"))
        .withFormParam("healthy", equalTo("true"))
        .withFormParam("ephemeral", equalTo("true"))
        .withFormParam("metadata", equalToJson("{\"v\":\"1\"}")));
    assertThat(engine.isBeating(new ServiceKey("dev-ns", "g1", "svc"), full)).isTrue();
  }

  @Test
  void persistentInstanceIsRegisteredWithoutBeats() {
    Instance persistent = full.toBuilder().ephemeral(false).build();
    engine.registerInstance(demo, persistent);

    server.verify(postRequestedFor(urlPathEqualTo(INSTANCE)).withFormParam("ephemeral", equalTo("false")));
    advance(60_000);
    assertThat(count(putRequestedFor(urlPathEqualTo(BEAT)))).isZero();
  }

  @Test
  void deregisterSendsTheIdentityInTheQueryOfThePublicNamespace() {
    engine.deregisterInstance(demo, full);

    server.verify(1, deleteRequestedFor(urlPathEqualTo(INSTANCE))
        .withQueryParam("namespaceId", equalTo("public"))
        .withQueryParam("serviceName", equalTo("DEFAULT_GROUP@@demo-svc"))
        .withQueryParam("groupName", equalTo("DEFAULT_GROUP"))
        .withQueryParam("clusterName", equalTo("c1"))
        .withQueryParam("ip", equalTo("10.0.0.7"))
        .withQueryParam("port", equalTo("8080"))
        .withQueryParam("ephemeral", equalTo("true")));
  }

  @Test
  void persistentIntoEphemeralServiceIsRefusedWithTheServersMessage() {
    server.stubFor(post(urlPathEqualTo(INSTANCE)).willReturn(aResponse().withStatus(400)
        .withBody(PERSISTENT_INTO_EPHEMERAL)));
    Instance persistent = Instance.builder().ip("127.0.0.1").port(9003).ephemeral(false).build();

    assertThatThrownBy(() -> engine.registerInstance(demo, persistent))
        .isInstanceOfSatisfying(RequestRefusedException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("is ephemeral service, can't register persistent instance")
        .hasMessageContaining("DEFAULT_GROUP@@demo-svc");
  }

  @Test
  void otherRefusalsNameTheServiceAndCarryTheServersAnswer() {
    server.stubFor(post(urlPathEqualTo(INSTANCE)).willReturn(aResponse().withStatus(403).withBody("user not found!")));

    assertThatThrownBy(() -> engine.registerInstance(demo, full))
        .isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("403 user not found!")
        .satisfies(e -> assertThat(((MseException) e).resource()).isEqualTo("public/DEFAULT_GROUP@@demo-svc"));
    assertThat(engine.isBeating(demo, full)).isFalse();
  }

  @Test
  void unreachableServerIsReportedAndLeavesNoBeatBehind() {
    server.stubFor(post(urlPathEqualTo(INSTANCE)).willReturn(aResponse().withStatus(503)));

    assertThatThrownBy(() -> engine.registerInstance(demo, full)).isInstanceOf(ServerUnavailableException.class);
    assertThat(engine.isBeating(demo, full)).isFalse();

    server.stubFor(post(urlPathEqualTo(INSTANCE)).willReturn(ok("ok")));
    server.stubFor(put(urlPathEqualTo(BEAT)).willReturn(okJson("{\"clientBeatInterval\":5000,\"code\":20404}")));
    advance(5000);
    assertThat(count(putRequestedFor(urlPathEqualTo(BEAT)))).isZero();
    assertThat(count(postRequestedFor(urlPathEqualTo(INSTANCE)))).isEqualTo(1);
  }

  @Test
  void updateInstanceSendsEveryFieldInPlace() {
    Instance changed = full.toBuilder().ephemeral(false).weight(4).enabled(false).healthy(false)
        .metadata("v", "2").build();
    engine.updateInstance(demo, changed);

    server.verify(1, putRequestedFor(urlPathEqualTo(INSTANCE))
        .withFormParam("serviceName", equalTo("DEFAULT_GROUP@@demo-svc"))
        .withFormParam("namespaceId", equalTo("public"))
        .withFormParam("ip", equalTo("10.0.0.7"))
        .withFormParam("port", equalTo("8080"))
        .withFormParam("clusterName", equalTo("c1"))
        .withFormParam("weight", equalTo("4.0"))
        .withFormParam("enabled", equalTo("false"))
        .withFormParam("healthy", equalTo("false"))
        .withFormParam("ephemeral", equalTo("false"))
        .withFormParam("metadata", equalToJson("{\"v\":\"2\"}")));
  }

  @Test
  void updatedEphemeralInstanceIsRegisteredAgainWithItsNewFields() {
    engine.registerInstance(demo, full);
    engine.updateInstance(demo, full.toBuilder().weight(7).build());
    server.stubFor(put(urlPathEqualTo(BEAT)).willReturn(okJson("{\"clientBeatInterval\":5000,\"code\":20404}")));

    advance(5000);

    List<LoggedRequest> registrations = server.findAll(postRequestedFor(urlPathEqualTo(INSTANCE)));
    assertThat(registrations).hasSize(2);
    assertThat(registrations.get(1).formParameters().get("weight").firstValue()).isEqualTo("7.0");
  }

  // ---- beats

  @Test
  void firstBeatCarriesTheWholeInstanceAndLightBeatsKeepIpAndPortInTheQuery() {
    engine.registerInstance(demo, full);
    advance(4999);
    assertThat(count(putRequestedFor(urlPathEqualTo(BEAT)))).isZero();

    advance(1);
    server.verify(1, putRequestedFor(urlPathEqualTo(BEAT))
        .withQueryParam("namespaceId", equalTo("public"))
        .withQueryParam("serviceName", equalTo("DEFAULT_GROUP@@demo-svc"))
        .withQueryParam("clusterName", equalTo("c1"))
        .withQueryParam("ip", equalTo("10.0.0.7"))
        .withQueryParam("port", equalTo("8080"))
        .withFormParam("beat", equalToJson("{\"serviceName\":\"DEFAULT_GROUP@@demo-svc\",\"ip\":\"10.0.0.7\","
            + "\"port\":8080,\"cluster\":\"c1\",\"weight\":3.0,\"ephemeral\":true,\"metadata\":{\"v\":\"1\"}}")));

    advance(5000);
    List<LoggedRequest> beats = server.findAll(putRequestedFor(urlPathEqualTo(BEAT)));
    assertThat(beats).hasSize(2);
    LoggedRequest light = beats.get(1);
    assertThat(light.formParameters()).doesNotContainKey("beat");
    assertThat(light.queryParameter("ip").firstValue()).isEqualTo("10.0.0.7");
    assertThat(light.queryParameter("port").firstValue()).isEqualTo("8080");
  }

  @Test
  void nextBeatWaitsTheIntervalTheServerReturns() {
    server.stubFor(put(urlPathEqualTo(BEAT)).willReturn(okJson(
        "{\"clientBeatInterval\":2000,\"code\":10200,\"lightBeatEnabled\":true}")));
    engine.registerInstance(demo, full);
    advance(5000);
    assertThat(count(putRequestedFor(urlPathEqualTo(BEAT)))).isEqualTo(1);

    advance(1999);
    assertThat(count(putRequestedFor(urlPathEqualTo(BEAT)))).isEqualTo(1);
    advance(1);
    assertThat(count(putRequestedFor(urlPathEqualTo(BEAT)))).isEqualTo(2);
  }

  @Test
  void beatAnsweredNotFoundRegistersTheFullInstanceAgain() {
    server.stubFor(put(urlPathEqualTo(BEAT)).inScenario("lost").whenScenarioStateIs("Started")
        .willReturn(okJson(BEAT_OK)).willSetStateTo("lost"));
    server.stubFor(put(urlPathEqualTo(BEAT)).inScenario("lost").whenScenarioStateIs("lost")
        .willReturn(okJson("{\"clientBeatInterval\":5000,\"code\":20404}")).willSetStateTo("known"));
    server.stubFor(put(urlPathEqualTo(BEAT)).inScenario("lost").whenScenarioStateIs("known")
        .willReturn(okJson(BEAT_OK)));
    engine.registerInstance(demo, full);

    advance(10_000);

    List<LoggedRequest> registrations = server.findAll(postRequestedFor(urlPathEqualTo(INSTANCE)));
    assertThat(registrations).hasSize(2);
    LoggedRequest again = registrations.get(1);
    assertThat(again.formParameters().get("weight").firstValue()).isEqualTo("3.0");
    assertThat(again.formParameters().get("clusterName").firstValue()).isEqualTo("c1");
    assertThat(again.formParameters().get("metadata").firstValue()).isEqualTo("{\"v\":\"1\"}");
    assertThat(again.formParameters().get("ephemeral").firstValue()).isEqualTo("true");
    // The beat after a re-registration is full again.
    advance(5000);
    List<LoggedRequest> beats = server.findAll(putRequestedFor(urlPathEqualTo(BEAT)));
    assertThat(beats).hasSize(3);
    assertThat(beats.get(2).formParameters()).containsKey("beat");
  }

  @Test
  void deregisterStopsTheBeats() {
    engine.registerInstance(demo, full);
    advance(5000);
    engine.deregisterInstance(demo, full);

    advance(60_000);

    assertThat(count(putRequestedFor(urlPathEqualTo(BEAT)))).isEqualTo(1);
    assertThat(engine.isBeating(demo, full)).isFalse();
  }

  @Test
  void deregisterWaitsForTheBeatInFlightWhichThenDoesNotRegisterAgain() throws Exception {
    server.stubFor(put(urlPathEqualTo(BEAT)).willReturn(okJson("{\"clientBeatInterval\":5000,\"code\":20404}")));
    CountDownLatch beatAnswered = new CountDownLatch(1);
    CountDownLatch releaseBeat = new CountDownLatch(1);
    engine.close();
    engine = engine(Map.of(), sender -> request -> {
      NacosResponse response = sender.send(request);
      if (request.path().equals(NacosNamingApi.BEAT)) {
        beatAnswered.countDown();
        awaitQuietly(releaseBeat);
      }
      return response;
    });
    engine.registerInstance(demo, full);
    threads = Executors.newFixedThreadPool(2);

    Future<?> beating = threads.submit(() -> scheduler.advance(Duration.ofSeconds(5)));
    assertThat(beatAnswered.await(5, TimeUnit.SECONDS)).isTrue();
    Future<?> deregistering = threads.submit(() -> engine.deregisterInstance(demo, full));
    await().atMost(Duration.ofSeconds(5)).until(() -> !engine.isBeating(demo, full));
    // The 20404 answer is still held: the deregistration must wait for it.
    assertThat(deregistering).isNotDone();
    assertThat(count(deleteRequestedFor(urlPathEqualTo(INSTANCE)))).isZero();

    releaseBeat.countDown();
    beating.get(5, TimeUnit.SECONDS);
    deregistering.get(5, TimeUnit.SECONDS);

    assertThat(count(postRequestedFor(urlPathEqualTo(INSTANCE)))).as("registrations").isEqualTo(1);
    assertThat(count(deleteRequestedFor(urlPathEqualTo(INSTANCE)))).isEqualTo(1);
    List<com.github.tomakehurst.wiremock.stubbing.ServeEvent> events = server.getAllServeEvents();
    assertThat(events.get(0).getRequest().getMethod().getName()).as("last request").isEqualTo("DELETE");
    advance(60_000);
    assertThat(count(putRequestedFor(urlPathEqualTo(BEAT)))).isEqualTo(1);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- instance lists and polling

  @Test
  void listIsParsedFromTheServersAnswerAndAsksForPushes() {
    stubList(DEMO_SVC_LIST);

    List<Instance> instances = engine.getInstances(demo, Duration.ofSeconds(2));

    assertThat(instances).containsExactly(
        new Instance("127.0.0.1#9001#DEFAULT#DEFAULT_GROUP@@demo-svc", "127.0.0.1", 9001, 1.0, true, true, true,
            "DEFAULT", Map.of("v", "1")),
        new Instance("127.0.0.1#9999#DEFAULT#DEFAULT_GROUP@@demo-svc", "127.0.0.1", 9999, 0.0, true, true, true,
            "DEFAULT", Map.of()));
    server.verify(getRequestedFor(urlPathEqualTo(LIST))
        .withQueryParam("namespaceId", equalTo("public"))
        .withQueryParam("serviceName", equalTo("DEFAULT_GROUP@@demo-svc"))
        .withQueryParam("clusters", equalTo(""))
        .withQueryParam("healthyOnly", equalTo("false"))
        .withQueryParam("udpPort", equalTo(Integer.toString(engine.pushPort())))
        .withQueryParam("clientIP", equalTo("127.0.0.1")));
    assertThat(engine.pushPort()).isPositive();
  }

  @Test
  void withPushDisabledNoUdpPortIsSent() {
    engine.close();
    engine = engine(Map.of("nacos.pushEnabled", "false"), null);
    stubList(DEMO_SVC_LIST);

    engine.getInstances(demo, Duration.ofSeconds(2));

    server.verify(getRequestedFor(urlPathEqualTo(LIST)).withQueryParam("udpPort", absent())
        .withQueryParam("clientIP", absent()));
  }

  @Test
  void listWithoutHostsFailsTheFirstRead() {
    stubList("{\"name\":\"DEFAULT_GROUP@@demo-svc\",\"cacheMillis\":10000,\"lastRefTime\":5,\"valid\":true}");

    assertThatThrownBy(() -> engine.getInstances(demo, Duration.ofSeconds(2)))
        .isInstanceOf(ServerUnavailableException.class).hasMessageContaining("no 'hosts'");
  }

  @Test
  void subscribedServiceIsPolledEveryCacheMillisTheServerAsks() {
    stubList(list("DEFAULT_GROUP@@demo-svc", 1, 3000, 9001));
    engine.getInstances(demo, Duration.ofSeconds(2));
    engine.subscribe(demo);
    stubList(list("DEFAULT_GROUP@@demo-svc", 2, 3000, 9001, 9002));

    advance(2999);
    assertThat(count(getRequestedFor(urlPathEqualTo(LIST)))).isEqualTo(1);
    assertThat(sink.reports).isEmpty();

    advance(1);
    assertThat(count(getRequestedFor(urlPathEqualTo(LIST)))).isEqualTo(2);
    assertThat(sink.last().ports()).containsExactly(9001, 9002);
    assertThat(sink.last().authoritative()).isFalse();

    advance(3000);
    assertThat(count(getRequestedFor(urlPathEqualTo(LIST)))).isEqualTo(3);
  }

  @Test
  void anEmptyPollIsReportedAsAuthoritativeOnlyOnceTheNextPollSeesItAgain() {
    stubList(list("DEFAULT_GROUP@@demo-svc", 1, 10000, 9001));
    engine.getInstances(demo, Duration.ofSeconds(2));
    engine.subscribe(demo);
    stubList(list("DEFAULT_GROUP@@demo-svc", 2, 10000));

    advance(10000);
    assertThat(sink.last().ports()).isEmpty();
    assertThat(sink.last().authoritative()).isFalse();

    // No push announced it (a restarted server?): instances get time to register again.
    advance(9999);
    assertThat(count(getRequestedFor(urlPathEqualTo(LIST)))).isEqualTo(2);
    assertThat(sink.last().authoritative()).isFalse();

    advance(1);
    assertThat(sink.last().ports()).isEmpty();
    assertThat(sink.last().authoritative()).isTrue();
  }

  @Test
  void anEmptyPollThatTheNextPollContradictsStaysUnconfirmed() {
    stubList(list("DEFAULT_GROUP@@demo-svc", 1, 10000, 9001));
    engine.getInstances(demo, Duration.ofSeconds(2));
    engine.subscribe(demo);
    stubList(list("DEFAULT_GROUP@@demo-svc", 2, 10000));
    advance(10000);
    stubList(list("DEFAULT_GROUP@@demo-svc", 3, 10000, 9001));

    advance(10000);

    assertThat(sink.reports).noneMatch(report -> report.ports().isEmpty() && report.authoritative());
    assertThat(sink.last().ports()).containsExactly(9001);
  }

  @Test
  void subscribingWithoutAReadPollsAtOnce() {
    stubList(list("DEFAULT_GROUP@@demo-svc", 1, 3000, 9001));
    engine.subscribe(demo);

    advance(0);

    assertThat(sink.last().ports()).containsExactly(9001);
  }

  @Test
  void olderListIsIgnored() {
    stubList(list("DEFAULT_GROUP@@demo-svc", 200, 1000, 9001));
    engine.getInstances(demo, Duration.ofSeconds(2));
    engine.subscribe(demo);

    stubList(list("DEFAULT_GROUP@@demo-svc", 100, 1000, 9003));
    advance(1000);
    assertThat(count(getRequestedFor(urlPathEqualTo(LIST)))).isEqualTo(2);
    assertThat(sink.reports).isEmpty();

    stubList(list("DEFAULT_GROUP@@demo-svc", 300, 1000, 9004));
    advance(1000);
    assertThat(sink.reports).hasSize(1);
    assertThat(sink.last().ports()).containsExactly(9004);
  }

  @Test
  void listsWithoutHostsOrMarkedInvalidAreNeverReported() {
    stubList(list("DEFAULT_GROUP@@demo-svc", 1, 1000, 9001));
    engine.getInstances(demo, Duration.ofSeconds(2));
    engine.subscribe(demo);

    stubList("{\"name\":\"DEFAULT_GROUP@@demo-svc\",\"cacheMillis\":1000,\"lastRefTime\":2,\"valid\":true}");
    advance(1000);
    stubList(list("DEFAULT_GROUP@@demo-svc", 3, 1000, 9002).replace("\"valid\":true", "\"valid\":false"));
    advance(1000);
    assertThat(count(getRequestedFor(urlPathEqualTo(LIST)))).isEqualTo(3);
    assertThat(sink.reports).isEmpty();

    stubList(list("DEFAULT_GROUP@@demo-svc", 4, 1000));
    advance(1000);
    assertThat(sink.last().instances()).isEmpty();
    assertThat(sink.last().authoritative()).isFalse();
  }

  @Test
  void failedPollsAreRetriedWithBackOff() {
    stubList(list("DEFAULT_GROUP@@demo-svc", 1, 1000, 9001));
    engine.getInstances(demo, Duration.ofSeconds(2));
    engine.subscribe(demo);
    server.stubFor(get(urlPathEqualTo(LIST)).willReturn(aResponse().withStatus(503)));

    advance(1000);
    assertThat(count(getRequestedFor(urlPathEqualTo(LIST)))).isEqualTo(2); // the first poll fails
    // then 1 s, 2 s, 4 s, each drawn from its upper half (jitter)
    assertThat(millisToNextPoll()).isBetween(500L, 1000L);
    assertThat(millisToNextPoll()).isBetween(1000L, 2000L);
    assertThat(millisToNextPoll()).isBetween(2000L, 4000L);

    stubList(list("DEFAULT_GROUP@@demo-svc", 2, 1000, 9002));
    advance(8000); // the next poll is 4-8 s away
    assertThat(sink.last().ports()).containsExactly(9002);
  }

  @Test
  void unsubscribeStopsPolling() {
    stubList(list("DEFAULT_GROUP@@demo-svc", 1, 1000, 9001));
    engine.getInstances(demo, Duration.ofSeconds(2));
    engine.subscribe(demo);
    engine.unsubscribe(demo);

    advance(60_000);

    assertThat(count(getRequestedFor(urlPathEqualTo(LIST)))).isEqualTo(1);
  }

  // ---- services

  @Test
  void listServicesReadsTheTranscriptsPage() {
    server.stubFor(get(urlPathEqualTo(SERVICE_LIST)).willReturn(okJson(SERVICES)));

    assertThat(engine.listServices("", "DEFAULT_GROUP")).containsExactly("demo-persist", "demo-svc");
    server.verify(1, getRequestedFor(urlPathEqualTo(SERVICE_LIST))
        .withQueryParam("pageNo", equalTo("1"))
        .withQueryParam("namespaceId", equalTo("public"))
        .withQueryParam("groupName", equalTo("DEFAULT_GROUP")));
  }

  @Test
  void listServicesPagesThroughEveryService() {
    engine.close();
    MseClientConfig config = MseClient.builder().serverAddr("127.0.0.1:" + server.port()).toConfig();
    scheduler = new ManualNamingScheduler();
    engine = new NacosNamingEngine(new EngineContext(config, "pages", (k, c) -> null, sink), transport::send,
        NamingSettings.of(config).withServicePageSize(2), transport.address().servers().get(0), scheduler);
    stubPage(1, "{\"count\":5,\"doms\":[\"e\",\"c\"]}");
    stubPage(2, "{\"count\":5,\"doms\":[\"a\",\"d\"]}");
    stubPage(3, "{\"count\":5,\"doms\":[\"b\"]}");

    assertThat(engine.listServices("dev-ns", "g1")).containsExactly("a", "b", "c", "d", "e");
    server.verify(3, getRequestedFor(urlPathEqualTo(SERVICE_LIST)).withQueryParam("pageSize", equalTo("2"))
        .withQueryParam("namespaceId", equalTo("dev-ns")).withQueryParam("groupName", equalTo("g1")));
  }

  private void stubPage(int pageNo, String json) {
    MappingBuilder page = get(urlPathEqualTo(SERVICE_LIST)).withQueryParam("pageNo", equalTo(Integer.toString(pageNo)));
    server.stubFor(page.willReturn(okJson(json)));
  }

  // ---- close

  @Test
  void closeDeregistersEphemeralInstancesOnlyAndStopsEverything() {
    Instance persistent = Instance.builder().ip("10.0.0.8").port(8081).ephemeral(false).build();
    engine.registerInstance(demo, full);
    engine.registerInstance(demo, persistent);
    stubList(list("DEFAULT_GROUP@@demo-svc", 1, 1000, 9001));
    engine.subscribe(demo);

    engine.close();

    server.verify(1, deleteRequestedFor(urlPathEqualTo(INSTANCE)));
    server.verify(deleteRequestedFor(urlPathEqualTo(INSTANCE)).withQueryParam("ip", equalTo("10.0.0.7"))
        .withQueryParam("ephemeral", equalTo("true")));
    assertThat(scheduler.pending()).isZero();
    assertThatThrownBy(() -> engine.registerInstance(demo, full)).isInstanceOf(IllegalStateException.class);
    engine.close();
    server.verify(1, deleteRequestedFor(urlPathEqualTo(INSTANCE)));
  }
}

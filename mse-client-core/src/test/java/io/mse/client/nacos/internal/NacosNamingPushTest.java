package io.mse.client.nacos.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.mse.client.nacos.internal.NacosNamingTranscripts.PUSH_SVC2_ACK;
import static io.mse.client.nacos.internal.NacosNamingTranscripts.PUSH_SVC2_DATAGRAM;
import static io.mse.client.nacos.internal.NacosNamingTranscripts.PUSH_SVC2_EMPTY_LIST;
import static io.mse.client.nacos.internal.NacosNamingTranscripts.ack;
import static io.mse.client.nacos.internal.NacosNamingTranscripts.list;
import static io.mse.client.nacos.internal.NacosNamingTranscripts.push;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.mse.client.ClientStats;
import io.mse.client.MseClient;
import io.mse.client.MseClientConfig;
import io.mse.client.Ticker;
import io.mse.client.naming.Instance;
import io.mse.client.naming.NamingEvent;
import io.mse.client.naming.ServiceKey;
import io.mse.client.spi.EngineContext;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * UDP push: real datagrams from the test to the engine's port on 127.0.0.1, shaped like the server's
 * (udp-push.txt). The poll interval is 10 s, so a change seen within 5 s came by push.
 */
class NacosNamingPushTest {

  private static final String LIST = "/nacos/v1/ns/instance/list";

  @TempDir
  Path snapshots;
  private WireMockServer server;
  private FakePushServer nacos;

  @BeforeEach
  void start() {
    server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    server.start();
    nacos = new FakePushServer();
  }

  @AfterEach
  void stop() {
    nacos.close();
    server.stop();
  }

  private MseClient client() {
    return MseClient.builder().serverAddr("127.0.0.1:" + server.port()).snapshotDir(snapshots).build();
  }

  /** The udpPort the client passed on its list requests, after checking it passed clientIP too. */
  private int udpPortOfTheClient() {
    LoggedRequest request = server.findAll(getRequestedFor(urlPathEqualTo(LIST))).get(0);
    assertThat(request.queryParameter("clientIP").firstValue()).isEqualTo("127.0.0.1");
    return Integer.parseInt(request.queryParameter("udpPort").firstValue());
  }

  @ParameterizedTest(name = "gzip={0}")
  @ValueSource(booleans = {false, true})
  void subscriberSeesThePushedListAtOnceAndTheServerGetsTheExactAck(boolean gzip) throws Exception {
    server.stubFor(get(urlPathEqualTo(LIST)).willReturn(okJson(PUSH_SVC2_EMPTY_LIST)));
    try (MseClient client = client()) {
      BlockingQueue<NamingEvent> events = new LinkedBlockingQueue<>();
      client.naming().subscribe("push-svc2", null, events::add);
      assertThat(events.poll(5, TimeUnit.SECONDS).instances()).isEmpty();

      nacos.push(udpPortOfTheClient(), PUSH_SVC2_DATAGRAM, gzip);

      assertThat(nacos.receive()).isEqualTo(PUSH_SVC2_ACK);
      NamingEvent event = events.poll(5, TimeUnit.SECONDS);
      assertThat(event).isNotNull();
      assertThat(event.added()).extracting(Instance::instanceId)
          .containsExactly("127.0.0.1#9101#DEFAULT#DEFAULT_GROUP@@push-svc2");
      assertThat(client.naming().getAllInstances("push-svc2")).extracting(Instance::port).containsExactly(9101);
      assertThat(server.findAll(getRequestedFor(urlPathEqualTo(LIST)))).as("no poll happened").hasSize(1);
    }
  }

  @Test
  void pushForAServiceNobodyFollowsIsAcknowledgedAndIgnored() throws Exception {
    server.stubFor(get(urlPathEqualTo(LIST)).willReturn(okJson(PUSH_SVC2_EMPTY_LIST)));
    try (MseClient client = client()) {
      BlockingQueue<NamingEvent> events = new LinkedBlockingQueue<>();
      client.naming().subscribe("push-svc2", null, events::add);
      events.poll(5, TimeUnit.SECONDS);
      int port = udpPortOfTheClient();

      nacos.push(port, push(list("DEFAULT_GROUP@@other-svc", 1795947651900L, 10000, 9200), 77), false);
      assertThat(nacos.receive()).isEqualTo(ack(77));
      nacos.push(port, PUSH_SVC2_DATAGRAM, false);
      assertThat(nacos.receive()).isEqualTo(PUSH_SVC2_ACK);

      NamingEvent next = events.poll(5, TimeUnit.SECONDS);
      assertThat(next.service().service()).isEqualTo("push-svc2");
      assertThat(next.instances()).extracting(Instance::port).containsExactly(9101);
      assertThat(server.findAll(getRequestedFor(urlPathEqualTo(LIST)))
          .stream().map(r -> r.queryParameter("serviceName").firstValue()))
          .containsOnly("DEFAULT_GROUP@@push-svc2");
    }
  }

  @Test
  void pushesFromAHostThatIsNotAServerOfTheClientAreDroppedUnacknowledged() throws Exception {
    server.stubFor(get(urlPathEqualTo(LIST)).willReturn(okJson(PUSH_SVC2_EMPTY_LIST)));
    try (MseClient client = client();
         FakePushServer stranger = new FakePushServer(InetAddress.getByName("127.0.0.2"));
         io.mse.client.testing.LogCapture logs = io.mse.client.testing.LogCapture.start()) {
      BlockingQueue<NamingEvent> events = new LinkedBlockingQueue<>();
      client.naming().subscribe("push-svc2", null, events::add);
      assertThat(events.poll(5, TimeUnit.SECONDS).instances()).isEmpty();
      int port = udpPortOfTheClient();

      stranger.push(port, PUSH_SVC2_DATAGRAM, false);
      stranger.push(port, PUSH_SVC2_DATAGRAM, true);
      assertThat(stranger.receive(1000)).as("no ack to a stranger").isNull();
      assertThat(events.poll(500, TimeUnit.MILLISECONDS)).isNull();
      assertThat(client.naming().getAllInstances("push-svc2")).isEmpty();
      assertThat(logs.lines("WARN", "127.0.0.2", "not a server of this client")).hasSize(1);
      ClientStats stats = client.stats();
      assertThat(stats.pushesReceived()).isEqualTo(2);
      assertThat(stats.pushesIgnored(ClientStats.PushIgnored.NOT_FROM_SERVER)).isEqualTo(2);

      nacos.push(port, PUSH_SVC2_DATAGRAM, false); // the server itself, from 127.0.0.1
      assertThat(nacos.receive()).isEqualTo(PUSH_SVC2_ACK);
      assertThat(events.poll(5, TimeUnit.SECONDS).instances()).extracting(Instance::port).containsExactly(9101);
      // received = applied + ignored: one applied, two ignored
      assertThat(stats.pushesReceived()).isEqualTo(3);
      assertThat(java.util.Arrays.stream(ClientStats.PushIgnored.values()).mapToLong(stats::pushesIgnored).sum())
          .isEqualTo(2);
    }
  }

  @Test
  void aHostNamedInPushSourcesMayPush() throws Exception {
    server.stubFor(get(urlPathEqualTo(LIST)).willReturn(okJson(PUSH_SVC2_EMPTY_LIST)));
    try (MseClient client = MseClient.builder().serverAddr("127.0.0.1:" + server.port()).snapshotDir(snapshots)
             .property("nacos.pushSources", "127.0.0.2").build();
         FakePushServer node = new FakePushServer(InetAddress.getByName("127.0.0.2"))) {
      BlockingQueue<NamingEvent> events = new LinkedBlockingQueue<>();
      client.naming().subscribe("push-svc2", null, events::add);
      events.poll(5, TimeUnit.SECONDS);
      node.push(udpPortOfTheClient(), PUSH_SVC2_DATAGRAM, false);
      assertThat(node.receive()).isEqualTo(PUSH_SVC2_ACK);
      assertThat(events.poll(5, TimeUnit.SECONDS).instances()).extracting(Instance::port).containsExactly(9101);
    }
    assertThatThrownBy(() -> MseClient.builder().serverAddr("127.0.0.1:" + server.port()).snapshotDir(snapshots)
        .property("nacos.pushSources", "10.0.0.1, bad host").build()).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nacos.pushSources").hasMessageContaining("'bad host'");
  }

  // ---- at the engine: what is applied and what is not (the ack is sent after the list is handled)

  private NacosTransport transport;
  private NacosNamingEngine engine;
  private RecordingNamingSink sink;
  private ManualNamingScheduler scheduler;

  private NacosNamingEngine engine() {
    MseClientConfig config = MseClient.builder().serverAddr("127.0.0.1:" + server.port()).toConfig();
    transport = new NacosTransport(NacosAddress.parse(config.serverAddr(), null),
        NacosTransport.defaultClient(config.requestTimeout()), Ticker.system());
    sink = new RecordingNamingSink();
    engine = new NacosNamingEngine(new EngineContext(config, "push", (k, c) -> null, sink), transport::send,
        NamingSettings.of(config), transport.address().servers().get(0), scheduler = new ManualNamingScheduler());
    return engine;
  }

  @AfterEach
  void closeEngine() {
    if (engine != null) {
      engine.close();
      transport.close();
    }
  }

  private final ServiceKey pushSvc2 = new ServiceKey("", null, "push-svc2");

  @Test
  void stalePushIsIgnored() {
    server.stubFor(get(urlPathEqualTo(LIST)).willReturn(okJson(PUSH_SVC2_EMPTY_LIST)));
    engine().getInstances(pushSvc2, Duration.ofSeconds(2));
    engine.subscribe(pushSvc2);

    nacos.push(engine.pushPort(), push(list("DEFAULT_GROUP@@push-svc2", 1795947651000L, 10000, 9300), 5), false);
    assertThat(nacos.receive()).isEqualTo(ack(5));
    scheduler.advance(Duration.ZERO); // the push is applied on the scheduler, not the UDP thread
    assertThat(sink.reports).isEmpty();

    nacos.push(engine.pushPort(), PUSH_SVC2_DATAGRAM, true);
    assertThat(nacos.receive()).isEqualTo(PUSH_SVC2_ACK);
    scheduler.advance(Duration.ZERO); // the push is applied on the scheduler, not the UDP thread
    assertThat(sink.reports).hasSize(1);
    assertThat(sink.last().ports()).containsExactly(9101);
    assertThat(sink.last().authoritative()).isFalse();
  }

  @Test
  void pushWithoutHostsOrMarkedInvalidIsIgnored() {
    server.stubFor(get(urlPathEqualTo(LIST)).willReturn(okJson(PUSH_SVC2_EMPTY_LIST)));
    engine().getInstances(pushSvc2, Duration.ofSeconds(2));
    engine.subscribe(pushSvc2);

    nacos.push(engine.pushPort(), push("{\"name\":\"DEFAULT_GROUP@@push-svc2\",\"lastRefTime\":1795947659999}", 6),
        false);
    assertThat(nacos.receive()).isEqualTo(ack(6));
    scheduler.advance(Duration.ZERO); // the push is applied on the scheduler, not the UDP thread
    String invalid = list("DEFAULT_GROUP@@push-svc2", 1795947659999L, 10000, 9400)
        .replace("\"valid\":true", "\"valid\":false");
    nacos.push(engine.pushPort(), push(invalid, 7), false);
    assertThat(nacos.receive()).isEqualTo(ack(7));
    scheduler.advance(Duration.ZERO); // the push is applied on the scheduler, not the UDP thread

    assertThat(sink.reports).isEmpty();
  }

  @Test
  void pushBetweenTheFirstReadAndTheSubscriptionIsApplied() {
    server.stubFor(get(urlPathEqualTo(LIST)).willReturn(okJson(PUSH_SVC2_EMPTY_LIST)));
    engine().getInstances(pushSvc2, Duration.ofSeconds(2));

    nacos.push(engine.pushPort(), PUSH_SVC2_DATAGRAM, false);

    assertThat(nacos.receive()).isEqualTo(PUSH_SVC2_ACK);
    scheduler.advance(Duration.ZERO); // the push is applied on the scheduler, not the UDP thread
    assertThat(sink.reports).extracting(RecordingNamingSink.Report::ports).containsExactly(List.of(9101));
  }

  @Test
  void pushAfterUnsubscribeIsIgnored() {
    server.stubFor(get(urlPathEqualTo(LIST)).willReturn(okJson(PUSH_SVC2_EMPTY_LIST)));
    engine().getInstances(pushSvc2, Duration.ofSeconds(2));
    engine.subscribe(pushSvc2);
    engine.unsubscribe(pushSvc2);

    nacos.push(engine.pushPort(), PUSH_SVC2_DATAGRAM, false);

    assertThat(nacos.receive()).isEqualTo(PUSH_SVC2_ACK);
    scheduler.advance(Duration.ZERO); // the push is applied on the scheduler, not the UDP thread
    assertThat(sink.reports).isEmpty();
  }

  // ---- the last instance's removal (push-empty protection): real 2.5.1 / 3.0.3 answers, curl
  // 2026-12: the server updates the list it answers, then pushes ~0.6 s after the deregistration;
  // a list request with udpPort from a new subscriber is echoed by a push of the current list.

  private static final String WITH_9101 = list("DEFAULT_GROUP@@push-svc2", 1795947651000L, 10000, 9101);
  private static final String EMPTY_PUSHED = list("DEFAULT_GROUP@@push-svc2", 1795947652000L, 10000);
  private static final String EMPTY_READ = list("DEFAULT_GROUP@@push-svc2", 1795947652010L, 10000);

  /** Reads push-svc2 with 9101 in it and subscribes; list requests answer {@code next} from then on. */
  private void followWith9101(String next) {
    server.stubFor(get(urlPathEqualTo(LIST)).willReturn(okJson(WITH_9101)));
    engine().getInstances(pushSvc2, Duration.ofSeconds(2));
    engine.subscribe(pushSvc2);
    server.stubFor(get(urlPathEqualTo(LIST)).willReturn(okJson(next)));
  }

  private int listRequests() {
    return server.findAll(getRequestedFor(urlPathEqualTo(LIST))).size();
  }

  @Test
  void emptyPushIsConfirmedByAReadAtOnceAndReportedAsAuthoritative() {
    followWith9101(EMPTY_READ);

    nacos.push(engine.pushPort(), push(EMPTY_PUSHED, 8), false);
    assertThat(nacos.receive()).isEqualTo(ack(8));
    assertThat(sink.reports).as("nothing before the confirming read").isEmpty();

    scheduler.advance(Duration.ZERO);

    assertThat(listRequests()).isEqualTo(2);
    assertThat(sink.reports).singleElement().satisfies(report -> {
      assertThat(report.instances()).isEmpty();
      assertThat(report.authoritative()).isTrue();
    });
  }

  @Test
  void emptyPushThatTheConfirmingReadContradictsIsNotApplied() {
    followWith9101(list("DEFAULT_GROUP@@push-svc2", 1795947652010L, 10000, 9101));

    nacos.push(engine.pushPort(), push(EMPTY_PUSHED, 9), false);
    assertThat(nacos.receive()).isEqualTo(ack(9));
    scheduler.advance(Duration.ZERO);

    assertThat(sink.reports).noneMatch(report -> report.instances().isEmpty());
    assertThat(sink.last().ports()).containsExactly(9101);
  }

  @Test
  void emptyPushWhoseConfirmingReadFailsIsReportedUnconfirmedAndTheNextPollDecides() {
    followWith9101(EMPTY_READ);
    server.stubFor(get(urlPathEqualTo(LIST)).willReturn(com.github.tomakehurst.wiremock.client.WireMock
        .aResponse().withStatus(503)));

    nacos.push(engine.pushPort(), push(EMPTY_PUSHED, 10), false);
    assertThat(nacos.receive()).isEqualTo(ack(10));
    scheduler.advance(Duration.ZERO);

    assertThat(sink.reports).singleElement().satisfies(report -> {
      assertThat(report.instances()).isEmpty();
      assertThat(report.authoritative()).isFalse();
    });
    server.stubFor(get(urlPathEqualTo(LIST)).willReturn(okJson(EMPTY_READ)));
    scheduler.advance(Duration.ofMillis(10_000));
    assertThat(sink.last().authoritative()).isTrue();
  }

  @Test
  void emptyPushEchoingTheSubscriptionOfAnEmptyPollConfirmsNothing() {
    // A restarted server lost its ephemeral instances: the poll answers empty and re-subscribes,
    // and the server echoes that subscription with an empty push before instances register again.
    followWith9101(EMPTY_READ);
    scheduler.advance(Duration.ofMillis(10_000));
    assertThat(sink.last().instances()).isEmpty();
    assertThat(sink.last().authoritative()).isFalse();

    nacos.push(engine.pushPort(), push(list("DEFAULT_GROUP@@push-svc2", 1795947652500L, 10000), 11), false);
    assertThat(nacos.receive()).isEqualTo(ack(11));
    scheduler.advance(Duration.ofMillis(9_999));

    assertThat(sink.reports).noneMatch(RecordingNamingSink.Report::authoritative);
    assertThat(listRequests()).as("no confirming read for the echo").isEqualTo(2);
  }
}

package io.mse.client.nacos.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.mse.client.MseClientConfig;
import io.mse.client.config.ConfigKey;
import io.mse.client.spi.ContentMd5;
import io.mse.client.spi.Md5;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Long polling against stubs: wire format, batching, no-hangup, back-off, restart and close. */
class LongPollingConfigWatcherTest {

  private static final String LISTENER = "/nacos/v1/cs/configs/listener";
  private static final String CONFIGS = "/nacos/v1/cs/configs";
  private static final Duration HOLD = Duration.ofSeconds(30);

  @TempDir
  Path snapshots;

  private WireMockServer server;
  private NacosTransport transport;
  private NacosConfigEngine fetchEngine;
  private final NacosTestSupport.RecordingSink sink = new NacosTestSupport.RecordingSink();
  private final ManualScheduler scheduler = new ManualScheduler();
  private CountingSender sender;
  private LongPollingConfigWatcher watcher;

  /** Wraps the transport to see every poll the watcher opens and how many are open at once. */
  static final class CountingSender implements LongPollingConfigWatcher.PollSender {
    final LongPollingConfigWatcher.PollSender delegate;
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger max = new AtomicInteger();
    final java.util.Set<CompletableFuture<?>> open = java.util.concurrent.ConcurrentHashMap.newKeySet();
    final List<NacosRequest> sent = new CopyOnWriteArrayList<>();

    CountingSender(LongPollingConfigWatcher.PollSender delegate) {
      this.delegate = delegate;
    }

    @Override
    public CompletableFuture<NacosResponse> send(NacosRequest request) {
      sent.add(request);
      inFlight.incrementAndGet();
      CompletableFuture<NacosResponse> call;
      try {
        call = delegate.send(request);
      } catch (RuntimeException e) {
        inFlight.decrementAndGet();
        throw e;
      }
      // The most open at once, counted from the futures themselves: a callback counter would lag,
      // since the watcher's own callback (registered later) runs first and may already poll again.
      open.removeIf(CompletableFuture::isDone);
      open.add(call);
      max.accumulateAndGet((int) open.stream().filter(f -> !f.isDone()).count(), Math::max);
      call.whenComplete((r, t) -> inFlight.decrementAndGet());
      return call;
    }

    List<NacosRequest> hanging() {
      return sent.stream().filter(r -> !r.headers().containsKey("Long-Pulling-Timeout-No-Hangup")).toList();
    }
  }

  @BeforeEach
  void start() {
    server = NacosTestSupport.startWireMock();
    MseClientConfig settings = NacosTestSupport.builder(server, snapshots).toConfig();
    transport = NacosEngine.transport(settings);
    fetchEngine = new NacosConfigEngine(NacosTestSupport.context(settings, sink), transport,
        new NamespaceCheck("", transport, settings.requestTimeout()), new ManualScheduler());
    sender = new CountingSender(request -> transport.sendAsync(request, scheduler::execute,
        (task, delay) -> scheduler.schedule("timeout", task, delay)));
    watcher = watcher(scheduler);
  }

  private LongPollingConfigWatcher watcher(ConfigScheduler on) {
    return new LongPollingConfigWatcher(sender, on, sink, key -> fetchEngine.fetch(key, Duration.ofSeconds(5)), HOLD);
  }

  @AfterEach
  void stop() {
    watcher.close();
    scheduler.close();
    fetchEngine.close();
    transport.close();
    server.stop();
  }

  /** No-hangup polls answer at once with {@code body}; holding polls answer "" after {@code holdMillis}. */
  private void stubListener(String noHangupBody, int holdMillis) {
    server.stubFor(post(urlPathEqualTo(LISTENER)).withHeader("Long-Pulling-Timeout-No-Hangup", equalTo("true"))
        .willReturn(aResponse().withStatus(200).withBody(noHangupBody)));
    server.stubFor(post(urlPathEqualTo(LISTENER)).withHeader("Long-Pulling-Timeout-No-Hangup", absent())
        .willReturn(aResponse().withStatus(200).withBody("").withFixedDelay(holdMillis)));
  }

  @Test
  void sendsTheExactListeningConfigsBytesWithNoHangupUntilTheKeyWasCompared() {
    stubListener("", 20_000);

    watcher.watch(ConfigKey.of("demo.properties", "DEFAULT_GROUP"), ContentMd5.parse(NacosTestSupport.MD5_K_V1));

    await().until(() -> !sender.hanging().isEmpty());
    List<LoggedRequest> polls = server.findAll(postRequestedFor(urlPathEqualTo(LISTENER)));
    LoggedRequest first = polls.get(0);
    assertThat(first.getHeader("Long-Pulling-Timeout")).isEqualTo("30000");
    assertThat(first.getHeader("Long-Pulling-Timeout-No-Hangup")).isEqualTo("true");
    assertThat(first.getBodyAsString())
        .isEqualTo("Listening-Configs=demo.properties%02DEFAULT_GROUP%02" + NacosTestSupport.MD5_K_V1 + "%01");
    LoggedRequest second = polls.get(1);
    assertThat(second.containsHeader("Long-Pulling-Timeout-No-Hangup")).isFalse();
    assertThat(second.getHeader("Long-Pulling-Timeout")).isEqualTo("30000");
    assertThat(second.getBodyAsString()).isEqualTo(first.getBodyAsString());
  }

  @Test
  void sendsTheTenantAsFourthFieldForANamespace() {
    stubListener("", 20_000);

    watcher.watch(new ConfigKey("dev-ns", "DEFAULT_GROUP", "demo.properties"), ContentMd5.parse("deadbeef".repeat(4)));

    await().until(() -> !server.findAll(postRequestedFor(urlPathEqualTo(LISTENER))).isEmpty());
    assertThat(server.findAll(postRequestedFor(urlPathEqualTo(LISTENER))).get(0).getBodyAsString())
        .isEqualTo("Listening-Configs=demo.properties%02DEFAULT_GROUP%02" + "deadbeef".repeat(4) + "%02dev-ns%01");
  }

  @Test
  void fetchesEachChangedKeyReportsItAndPollsWithItsNewMd5() {
    stubListener("demo.properties%02DEFAULT_GROUP%01dev.yaml%02G%02dev-ns%01\n", 20_000);
    server.stubFor(get(urlPathEqualTo(CONFIGS)).withQueryParam("dataId", equalTo("demo.properties"))
        .willReturn(aResponse().withStatus(200).withBody("k=v2")));
    server.stubFor(get(urlPathEqualTo(CONFIGS)).withQueryParam("dataId", equalTo("dev.yaml"))
        .withQueryParam("tenant", equalTo("dev-ns")).willReturn(aResponse().withStatus(404)));
    ConfigKey demo = ConfigKey.of("demo.properties", null);
    ConfigKey dev = new ConfigKey("dev-ns", "G", "dev.yaml");

    watcher.watch(demo, ContentMd5.parse(NacosTestSupport.MD5_K_V1));
    watcher.watch(dev, ContentMd5.of("an older content"));

    await().until(() -> !sender.hanging().isEmpty());
    assertThat(sink.contentsOf(demo)).contains("k=v2");
    assertThat(sink.contentsOf(dev)).containsOnlyNulls().isNotEmpty();
    assertThat(entries(sender.hanging().get(0))).containsExactlyInAnyOrder(
        "demo.properties\u0002DEFAULT_GROUP\u0002" + Md5.of("k=v2"), "dev.yaml\u0002G\u0002\u0002dev-ns");
  }

  /**
   * With a config encryption plugin the server's MD5 is over the encrypted text, a GET returns the
   * plain one: the key is held with the server's Content-MD5, else every poll would report a change.
   */
  @Test
  void aCipherConfigIsHeldWithTheServersContentMd5SoItsPollsHoldInsteadOfLooping() {
    String serverMd5 = Md5.of("ENCRYPTED(k=plain)");
    server.stubFor(post(urlPathEqualTo(LISTENER)).atPriority(1).withRequestBody(containing(serverMd5))
        .willReturn(aResponse().withStatus(200).withBody("").withFixedDelay(20_000)));
    server.stubFor(post(urlPathEqualTo(LISTENER)).atPriority(2)
        .willReturn(aResponse().withStatus(200).withBody("cipher-a%02DEFAULT_GROUP%01\n")));
    server.stubFor(get(urlPathEqualTo(CONFIGS)).willReturn(aResponse().withStatus(200)
        .withHeader("Content-MD5", serverMd5).withBody("k=plain")));
    ConfigKey key = ConfigKey.of("cipher-a", null);

    watcher.watch(key, ContentMd5.of("k=plain"));

    await().until(() -> sender.hanging().stream().anyMatch(r -> entries(r).get(0).endsWith(serverMd5)));
    assertThat(watcher.md5(key)).isEqualTo(serverMd5);
    assertThat(server.findAll(getRequestedFor(urlPathEqualTo(CONFIGS)))).hasSize(1);
    assertThat(sink.contentsOf(key)).containsExactly("k=plain");
  }

  /**
   * Nacos 2.5.1 and 3.0.3 answer a poll whose Listening-Configs hold one key they refuse with a 400 for
   * the whole batch (curl transcript), naming no key. The batch divides until the key is alone, which
   * is parked; the other keys of the batch still hear their changes.
   */
  @Test
  void aKeyTheServerRefusesInABatchIsParkedAndTheOthersStillHearTheirChanges() {
    server.stubFor(post(urlPathEqualTo(LISTENER)).atPriority(1).withRequestBody(containing("refused"))
        .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "text/html;charset=UTF-8")
            .withBody("Param 'dataId' is illegal, illegal characters should not appear in the param.")));
    server.stubFor(post(urlPathEqualTo(LISTENER)).atPriority(2).withRequestBody(containing("b%02DEFAULT_GROUP%02%01"))
        .willReturn(aResponse().withStatus(200).withBody("b%02DEFAULT_GROUP%01\n")));
    server.stubFor(post(urlPathEqualTo(LISTENER)).atPriority(3)
        .withHeader("Long-Pulling-Timeout-No-Hangup", equalTo("true")).willReturn(aResponse().withStatus(200)));
    server.stubFor(post(urlPathEqualTo(LISTENER)).atPriority(4)
        .willReturn(aResponse().withStatus(200).withBody("").withFixedDelay(20_000)));
    server.stubFor(get(urlPathEqualTo(CONFIGS)).willReturn(aResponse().withStatus(200).withBody("k=v2")));
    ConfigKey b = ConfigKey.of("b", null);
    List.of("a", "b", "c", "refused", "d").forEach(id -> watcher.watch(ConfigKey.of(id, null), null));

    await().until(() -> sink.contentsOf(b).contains("k=v2"));
    ManualScheduler.Delayed unpark = scheduler.awaitDelayed("unpark");
    assertThat(unpark.delay()).isEqualTo(LongPollingConfigWatcher.MAX_BACKOFF);
    await().until(() -> sender.hanging().stream().flatMap(r -> entries(r).stream()).map(e -> e.split("\u0002")[0])
        .collect(java.util.stream.Collectors.toSet()).containsAll(List.of("a", "b", "c", "d")));
    assertThat(sender.hanging()).noneMatch(r -> entries(r).stream().anyMatch(e -> e.startsWith("refused")));
    assertThat(scheduler.pending("backoff")).isEmpty();

    // tried again later: refused again, parked again
    scheduler.run(unpark);
    await().until(() -> scheduler.pending("unpark").size() == 1);
    assertThat(watcher.keys()).hasSize(5);
  }

  /**
   * A server or proxy refusing every poll with a 400 is not one refused key: divisions stop at
   * MAX_DIVIDED_BATCHES and the batch backs off as from a fault, instead of ending with one poll per key.
   */
  @Test
  void aServerThatRefusesEveryPollIsBackedOffNotDividedDownToOnePollPerKey() {
    server.stubFor(post(urlPathEqualTo(LISTENER)).willReturn(aResponse().withStatus(400).withBody("Bad Request")));
    for (int i = 0; i < 200; i++) {
      watcher.watch(ConfigKey.of("k" + i, null), null);
    }

    await().until(() -> !scheduler.pending("backoff").isEmpty());
    assertThat(watcher.activeBatches()).isLessThanOrEqualTo(1 + LongPollingConfigWatcher.MAX_DIVIDED_BATCHES);
    assertThat(scheduler.pending("unpark").size()).isLessThan(200);
  }

  /** A changed key whose read is refused is parked; the other changed keys of the answer are reported. */
  @Test
  void aChangedKeyWhoseReadIsRefusedDoesNotHideTheOthers() {
    stubListener("x%02DEFAULT_GROUP%01b%02DEFAULT_GROUP%01\n", 20_000);
    server.stubFor(get(urlPathEqualTo(CONFIGS)).withQueryParam("dataId", equalTo("x")).willReturn(aResponse()
        .withStatus(400).withBody("Param 'dataId' is illegal, illegal characters should not appear in the param.")));
    server.stubFor(get(urlPathEqualTo(CONFIGS)).withQueryParam("dataId", equalTo("b"))
        .willReturn(aResponse().withStatus(200).withBody("k=v2")));
    ConfigKey b = ConfigKey.of("b", null);
    watcher.watch(ConfigKey.of("x", null), null);
    watcher.watch(b, null);

    await().until(() -> sink.contentsOf(b).contains("k=v2"));
    assertThat(scheduler.awaitDelayed("unpark").delay()).isEqualTo(LongPollingConfigWatcher.MAX_BACKOFF);
    await().until(() -> !sender.hanging().isEmpty());
    assertThat(entries(sender.hanging().get(sender.hanging().size() - 1))).containsExactly(
        "b\u0002DEFAULT_GROUP\u0002" + Md5.of("k=v2"));
    assertThat(scheduler.pending("backoff")).isEmpty();
  }

  @Test
  void aKeyAddedWhileThePollHoldsRestartsThePollWithNoHangup() {
    stubListener("", 20_000);
    ConfigKey a = ConfigKey.of("a", null);
    watcher.watch(a, null);
    await().until(() -> sender.inFlight.get() == 1 && !sender.hanging().isEmpty());

    watcher.watch(ConfigKey.of("b", null), null);
    ManualScheduler.Delayed restart = scheduler.awaitDelayed("restart");
    assertThat(restart.delay()).isEqualTo(Duration.ofMillis(LongPollingConfigWatcher.RESTART_DELAY_MILLIS));
    watcher.watch(ConfigKey.of("c", null), null);
    assertThat(scheduler.pending("restart")).isEmpty(); // c shares b's restart
    scheduler.run(restart);

    await().until(() -> sender.sent.stream().anyMatch(r -> r.headers().containsKey("Long-Pulling-Timeout-No-Hangup")
        && entries(r).size() == 3));
  }

  @Test
  void packs7000KeysIntoThreeBatchesOfAtMost3000() {
    stubListener("", 3_000);

    for (int i = 0; i < 7000; i++) {
      watcher.watch(ConfigKey.of("key-" + i, null), null);
    }

    // keys fill the batches in order: key-0.. in batch 0, key-3000.. in batch 1, key-6000.. in batch 2
    await().atMost(Duration.ofSeconds(40)).until(() -> fullHangingPoll(0, 3000) != null
        && fullHangingPoll(3000, 3000) != null && fullHangingPoll(6000, 1000) != null);
    assertThat(sender.sent).allSatisfy(r -> assertThat(entries(r)).hasSizeLessThanOrEqualTo(3000));
    Set<String> covered = new HashSet<>();
    for (int anchor : new int[] {0, 3000, 6000}) {
      covered.addAll(entries(fullHangingPoll(anchor, anchor == 6000 ? 1000 : 3000)));
    }
    assertThat(covered).hasSize(7000);
    assertThat(sender.max.get()).isLessThanOrEqualTo(3);
    assertThat(watcher.activeBatches()).isEqualTo(3);
  }

  @Test
  void tenThousandKeysOpenAtMostFourConcurrentPollsOnOneThread() {
    stubListener("", 3_000);
    watcher.close();
    ExecutorScheduler real = new ExecutorScheduler("config", new io.mse.client.spi.NamedThreadFactory("mse-t10k-config"));
    // as in the engine: answers handled on the one config thread, so each count drops before the next poll
    sender = new CountingSender(request -> transport.sendAsync(request, real::execute,
        (task, delay) -> real.schedule("timeout", task, delay)));
    watcher = watcher(real);
    try {
      for (int i = 0; i < 10_000; i++) {
        watcher.watch(ConfigKey.of("key-" + i, null), null);
      }

      await().atMost(Duration.ofSeconds(40)).until(() -> fullHangingPoll(0, 3000) != null
          && fullHangingPoll(3000, 3000) != null && fullHangingPoll(6000, 3000) != null
          && fullHangingPoll(9000, 1000) != null);
      await().atMost(Duration.ofSeconds(20)).until(() -> sender.inFlight.get() == 4);
      assertThat(sender.max.get()).isLessThanOrEqualTo(4);
      assertThat(Thread.getAllStackTraces().keySet().stream()
          .filter(t -> t.getName().startsWith("mse-t10k-config")).count()).isEqualTo(1);
    } finally {
      watcher.close();
      real.close();
    }
    assertThat(Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("mse-t10k-config") && t.isAlive())).isEmpty();
  }

  @Test
  void failedPollsAreRetriedWithExponentialBackOffResetBySuccessAnd503BacksOffToo() {
    server.stubFor(post(urlPathEqualTo(LISTENER)).willReturn(aResponse().withStatus(500).withBody("boom")));
    watcher.watch(ConfigKey.of("a", null), null);

    List<Duration> delays = new java.util.ArrayList<>();
    ManualScheduler.Delayed retry = null;
    for (int i = 0; i < 4; i++) {
      retry = scheduler.awaitDelayed("backoff");
      delays.add(retry.delay());
      assertThat(sender.sent).hasSize(i + 1); // nothing is sent while the back-off waits
      if (i < 3) {
        scheduler.run(retry);
      }
    }
    for (int i = 0; i < delays.size(); i++) { // 1 s, 2 s, 4 s, 8 s, each drawn from its upper half (jitter)
      assertThat(delays.get(i)).isBetween(Duration.ofMillis(500L << i), Duration.ofSeconds(1L << i));
    }

    server.resetAll();
    server.stubFor(post(urlPathEqualTo(LISTENER)).withHeader("Long-Pulling-Timeout-No-Hangup", equalTo("true"))
        .willReturn(aResponse().withStatus(200).withBody("")));
    server.stubFor(post(urlPathEqualTo(LISTENER)).withHeader("Long-Pulling-Timeout-No-Hangup", absent())
        .willReturn(aResponse().withStatus(503).withBody("server is too busy")));
    scheduler.run(retry);

    assertThat(scheduler.awaitDelayed("backoff").delay()).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
    assertThat(LongPollingConfigWatcher.backoff(20)).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void unwatchDropsTheKeyFromItsBatchAndTheLastOneEndsThePoll() {
    stubListener("", 300);
    ConfigKey a = ConfigKey.of("a", null);
    ConfigKey b = ConfigKey.of("b", null);
    watcher.watch(a, null);
    watcher.watch(b, null);
    await().until(() -> sender.hanging().stream().anyMatch(r -> entries(r).size() == 2));

    watcher.unwatch(b);
    int before = sender.sent.size();
    await().until(() -> sender.sent.stream().skip(before).anyMatch(r -> entries(r).equals(List.of("a\u0002DEFAULT_GROUP\u0002"))));

    stubListener("", 20_000);
    await().until(() -> sender.inFlight.get() == 1 && sender.hanging().get(sender.hanging().size() - 1)
        == sender.sent.get(sender.sent.size() - 1));
    watcher.unwatch(a);
    await().atMost(Duration.ofSeconds(5)).until(() -> sender.inFlight.get() == 0);
    assertThat(watcher.keys()).isEmpty();
  }

  @Test
  void closeCancelsTheHoldingPollAtOnce() {
    stubListener("", 20_000);
    watcher.watch(ConfigKey.of("a", null), null);
    await().until(() -> sender.inFlight.get() == 1 && !sender.hanging().isEmpty());

    watcher.close();

    await().atMost(Duration.ofSeconds(5)).until(() -> sender.inFlight.get() == 0);
    int sent = sender.sent.size();
    assertThat(scheduler.pending("backoff")).isEmpty();
    assertThat(sender.sent).hasSize(sent);
  }

  @Test
  void anErrorWhileHandlingAnAnswerBacksTheBatchOffInsteadOfEndingIt() {
    stubListener("a%02DEFAULT_GROUP%01\n", 20_000);
    AtomicInteger fetches = new AtomicInteger();
    watcher.close();
    watcher = new LongPollingConfigWatcher(sender, scheduler, sink, key -> {
      if (fetches.incrementAndGet() == 1) {
        throw new AssertionError("a listener's library is broken");
      }
      return fetchEngine.fetch(key, Duration.ofSeconds(5));
    }, HOLD);
    ConfigKey a = ConfigKey.of("a", null);
    // the watcher throws the Error on once the batch is re-armed; here it ends a pool thread
    Awaitility.doNotCatchUncaughtExceptionsByDefault();
    try {
      watcher.watch(a, null);

      ManualScheduler.Delayed retry = scheduler.awaitDelayed("backoff");
      assertThat(retry.delay()).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
      scheduler.run(retry);
      // the batch polls again, still with a's old MD5: the server reports it changed once more
      await().until(() -> sender.sent.size() == 2);
      assertThat(entries(sender.sent.get(1))).containsExactly("a\u0002DEFAULT_GROUP\u0002");
    } finally {
      Awaitility.reset();
    }
  }

  @Test
  void aPollCutShortByTheTransportsCloseBacksOffInsteadOfPollingAgainAtOnce() {
    stubListener("", 20_000);
    transport.close(); // before the watcher: its polls fail as cancelled, though nobody restarted them

    watcher.watch(ConfigKey.of("a", null), null);

    assertThat(scheduler.awaitDelayed("backoff").delay()).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
    assertThat(sender.sent).hasSize(1);
  }

  /** Returns a holding poll of {@code size} keys that carries {@code key-<anchor>}, or null. */
  private NacosRequest fullHangingPoll(int anchor, int size) {
    String entry = "key-" + anchor + "\u0002DEFAULT_GROUP\u0002";
    return sender.hanging().stream().filter(r -> {
      List<String> entries = entries(r);
      return entries.size() == size && entries.contains(entry);
    }).findFirst().orElse(null);
  }

  /** The entries of a poll's Listening-Configs, each "dataId 0x02 group 0x02 md5 [0x02 tenant]". */
  static List<String> entries(NacosRequest request) {
    String value = request.form().get("Listening-Configs");
    return Arrays.stream(value.split("\u0001")).filter(s -> !s.isEmpty()).toList();
  }

  static String decodeForm(String body) {
    return URLDecoder.decode(body, StandardCharsets.UTF_8);
  }
}

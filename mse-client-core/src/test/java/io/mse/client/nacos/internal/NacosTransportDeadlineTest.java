package io.mse.client.nacos.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.mse.client.MseClient;
import io.mse.client.MseClientConfig;
import io.mse.client.ServerUnavailableException;
import io.mse.client.Ticker;
import io.mse.client.config.ConfigKey;
import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deadlines against servers that stall: after the headers, or without answering at all; and a
 * request sent while the transport closes.
 */
class NacosTransportDeadlineTest {

  private static final ConfigKey KEY = ConfigKey.of("demo.properties", null);
  private static final Duration WITHIN = Duration.ofSeconds(15);

  @TempDir
  Path dir;

  private StallingServer stalling;
  private WireMockServer good;
  private NacosTransport transport;
  private NacosConfigEngine engine;
  private final ManualScheduler scheduler = new ManualScheduler();

  @AfterEach
  void stop() throws IOException {
    if (engine != null) {
      engine.close();
    }
    scheduler.close();
    if (transport != null) {
      transport.close();
    }
    if (stalling != null) {
      stalling.close();
    }
    if (good != null) {
      good.stop();
    }
  }

  private MseClientConfig settings(String servers, Duration requestTimeout) {
    return MseClient.builder().serverAddr(servers).snapshotDir(dir).requestTimeout(requestTimeout).toConfig();
  }

  /** A transport over {@code servers} that starts at the first one. */
  private NacosTransport transport(MseClientConfig settings) {
    NacosAddress address = NacosAddress.parse(settings.serverAddr(), null);
    return new NacosTransport(address, NacosHttpClients.client(settings, address), Ticker.system(), 0);
  }

  private static NacosRequest read(Duration timeout) {
    return NacosRequest.get("/v1/cs/configs", Map.of("dataId", KEY.dataId(), "group", KEY.group()), timeout,
        KEY.toString());
  }

  private WireMockServer goodServer() {
    WireMockServer server = NacosTestSupport.startWireMock();
    server.stubFor(get(urlPathEqualTo("/nacos/v1/cs/configs")).willReturn(aResponse().withStatus(200).withBody("k=v1")));
    server.stubFor(post(urlPathEqualTo("/nacos/v1/cs/configs/listener")).willReturn(aResponse().withStatus(200)
        .withBody("")));
    return server;
  }

  @Test
  void aBodyStalledAfterTheHeadersFailsASynchronousRequestAtItsDeadline() throws Exception {
    stalling = new StallingServer(StallingServer.Mode.STALLS_AFTER_HEADERS);
    transport = transport(settings(stalling.address(), Duration.ofSeconds(1)));

    assertTimeoutPreemptively(WITHIN, () -> assertThatThrownBy(() -> transport.send(read(Duration.ofSeconds(1))))
        .isInstanceOf(ServerUnavailableException.class).hasMessageContaining(stalling.address()));
    assertThat(stalling.requests.get()).isEqualTo(1);
  }

  @Test
  void aServerThatNeverAnswersLeavesTheNextServerTimeToAnswer() throws Exception {
    stalling = new StallingServer(StallingServer.Mode.NEVER_ANSWERS);
    good = goodServer();
    transport = transport(settings(stalling.address() + ",127.0.0.1:" + good.port(), Duration.ofSeconds(2)));

    NacosResponse response = assertTimeoutPreemptively(WITHIN, () -> transport.send(read(Duration.ofSeconds(2))));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.server()).endsWith(":" + good.port());
    assertThat(stalling.requests.get()).as("the hung server was tried first").isEqualTo(1);
  }

  @Test
  void aBodyStalledAfterTheHeadersMovesTheRequestToTheNextServer() throws Exception {
    stalling = new StallingServer(StallingServer.Mode.STALLS_AFTER_HEADERS);
    good = goodServer();
    transport = transport(settings(stalling.address() + ",127.0.0.1:" + good.port(), Duration.ofSeconds(2)));

    NacosResponse response = assertTimeoutPreemptively(WITHIN, () -> transport.send(read(Duration.ofSeconds(2))));

    assertThat(response.body()).isEqualTo("k=v1");
    assertThat(stalling.requests.get()).isEqualTo(1);
  }

  @Test
  void aStalledPollIsCancelledByItsTimeoutAndTheBatchBacksOff() throws Exception {
    stalling = new StallingServer(StallingServer.Mode.STALLS_AFTER_HEADERS);
    MseClientConfig settings = settings(stalling.address(), Duration.ofSeconds(1));
    transport = NacosEngine.transport(settings);
    engine = new NacosConfigEngine(NacosTestSupport.context(settings, new NacosTestSupport.RecordingSink()), transport,
        new NamespaceCheck("", transport, settings.requestTimeout()), scheduler);

    engine.watch(KEY, null);
    await().until(() -> stalling.requests.get() == 1);
    ManualScheduler.Delayed timeout = scheduler.awaitDelayed("timeout");
    assertThat(timeout.delay()).isBetween(Duration.ofSeconds(44), Duration.ofSeconds(45)); // 1.5 times the hold
    assertThat(scheduler.pending("backoff")).isEmpty();
    scheduler.run(timeout); // as if the 45 s had passed

    assertThat(scheduler.awaitDelayed("backoff").delay()).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
  }

  @Test
  void aPollStalledOnOneServerMovesToTheNextWhenItsAttemptTimesOut() throws Exception {
    stalling = new StallingServer(StallingServer.Mode.STALLS_AFTER_HEADERS);
    good = goodServer();
    MseClientConfig settings = settings(stalling.address() + ",127.0.0.1:" + good.port(), Duration.ofSeconds(1));
    transport = transport(settings);
    engine = new NacosConfigEngine(NacosTestSupport.context(settings, new NacosTestSupport.RecordingSink()), transport,
        new NamespaceCheck("", transport, settings.requestTimeout()), scheduler);

    engine.watch(KEY, null);
    await().until(() -> stalling.requests.get() == 1);
    scheduler.run(scheduler.awaitDelayed("timeout"));

    await().until(() -> !good.findAll(postRequestedFor(urlPathEqualTo("/nacos/v1/cs/configs/listener"))).isEmpty());
    assertThat(scheduler.pending("backoff")).isEmpty();
  }

  @Test
  void aRequestSentWhileTheTransportClosesIsCancelled() throws Exception {
    good = goodServer();
    MseClientConfig settings = settings("127.0.0.1:" + good.port(), Duration.ofSeconds(2));
    NacosAddress address = NacosAddress.parse(settings.serverAddr(), null);
    NacosTransport[] closing = new NacosTransport[1];
    HttpClient closesFirst = new DelegatingClient(NacosHttpClients.client(settings, address)) {
      @Override
      public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        closing[0].close(); // close() runs after the send checked it, before the call is tracked
        return super.sendAsync(request, handler);
      }
    };
    transport = new NacosTransport(address, closesFirst, Ticker.system(), 0);
    closing[0] = transport;

    CompletableFuture<NacosResponse> result = transport.sendAsync(read(Duration.ofSeconds(2)), Runnable::run,
        (task, delay) -> scheduler.schedule("timeout", task, delay));

    assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
  }

  /** An HttpClient that hands everything to another. */
  private static class DelegatingClient extends HttpClient {
    private final HttpClient delegate;

    DelegatingClient(HttpClient delegate) {
      this.delegate = delegate;
    }

    @Override
    public Optional<CookieHandler> cookieHandler() {
      return delegate.cookieHandler();
    }

    @Override
    public Optional<Duration> connectTimeout() {
      return delegate.connectTimeout();
    }

    @Override
    public Redirect followRedirects() {
      return delegate.followRedirects();
    }

    @Override
    public Optional<ProxySelector> proxy() {
      return delegate.proxy();
    }

    @Override
    public SSLContext sslContext() {
      return delegate.sslContext();
    }

    @Override
    public SSLParameters sslParameters() {
      return delegate.sslParameters();
    }

    @Override
    public Optional<Authenticator> authenticator() {
      return delegate.authenticator();
    }

    @Override
    public Version version() {
      return delegate.version();
    }

    @Override
    public Optional<Executor> executor() {
      return delegate.executor();
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
        throws IOException, InterruptedException {
      return delegate.send(request, handler);
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
      return delegate.sendAsync(request, handler);
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
        HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
      return delegate.sendAsync(request, handler, pushPromiseHandler);
    }
  }
}

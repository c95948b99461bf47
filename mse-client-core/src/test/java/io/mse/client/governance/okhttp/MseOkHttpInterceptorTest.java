package io.mse.client.governance.okhttp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.mse.client.governance.FakeNamingService;
import io.mse.client.governance.Destination;
import io.mse.client.governance.CallTimeoutException;
import io.mse.client.governance.Governance;
import io.mse.client.governance.LoadBalancerType;
import io.mse.client.governance.GovernanceRules;
import io.mse.client.governance.RateLimitRule;
import io.mse.client.governance.RateLimitedException;
import io.mse.client.governance.RetryRule;
import io.mse.client.governance.RouteMatch;
import io.mse.client.governance.RouteRule;
import io.mse.client.governance.TagContext;
import io.mse.client.naming.Instance;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import okhttp3.Call;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MseOkHttpInterceptorTest {

  final WireMockServer healthy = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
  final WireMockServer failing = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
  final FakeNamingService naming = new FakeNamingService();

  @BeforeEach
  void start() {
    healthy.start();
    failing.start();
    healthy.stubFor(get(urlEqualTo("/orders")).willReturn(aResponse().withStatus(200).withBody("from healthy")));
    failing.stubFor(get(urlEqualTo("/orders")).willReturn(aResponse().withStatus(503).withBody("down")));
  }

  @AfterEach
  void stop() {
    healthy.stop();
    failing.stop();
    TagContext.set(null);
  }

  OkHttpClient client(GovernanceRules rules) {
    return client(rules, false);
  }

  OkHttpClient client(GovernanceRules rules, boolean retryNonIdempotent) {
    Governance governance = Governance.builder(naming).rules(rules).build();
    return new OkHttpClient.Builder().addInterceptor(MseOkHttpInterceptor.builder(governance)
        .retryNonIdempotent(retryNonIdempotent).build()).build();
  }

  static Request postOrder() {
    return new Request.Builder().url("http://inventory-service/orders")
        .post(RequestBody.create("{\"sku\": 1}", MediaType.get("application/json"))).build();
  }

  /** An instance on a loopback port nothing listens on: connecting to it is refused. */
  static Instance refusing() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return Instance.builder().ip("127.0.0.1").port(socket.getLocalPort()).build();
    }
  }

  static Instance local(WireMockServer server) {
    return Instance.builder().ip("127.0.0.1").port(server.port()).build();
  }

  static Request orders() {
    return new Request.Builder().url("http://inventory-service/orders").build();
  }

  @Test
  void resolvesTheServiceNameAndPropagatesTheTag() throws IOException {
    naming.set("inventory-service", local(healthy));
    OkHttpClient http = client(GovernanceRules.EMPTY);

    TagContext.set("gray");
    try (Response response = http.newCall(orders()).execute()) {
      assertThat(response.code()).isEqualTo(200);
      assertThat(response.body().string()).isEqualTo("from healthy");
    }

    healthy.verify(getRequestedFor(urlEqualTo("/orders")).withHeader(TagContext.HEADER, equalTo("gray")));
  }

  @Test
  void retriesA5xxOnAnotherInstance() throws IOException {
    naming.set("inventory-service", local(healthy), local(failing));
    OkHttpClient http = client(GovernanceRules.builder()
        .retry(new RetryRule("inventory-service", 2, 100, Duration.ofSeconds(10), 0)).build());

    for (int i = 0; i < 20; i++) {
      try (Response response = http.newCall(orders()).execute()) {
        assertThat(response.code()).isEqualTo(200);
      }
    }

    assertThat(healthy.getAllServeEvents()).hasSize(20);
    assertThat(failing.getAllServeEvents()).isNotEmpty();
  }

  @Test
  void returnsTheLastFailedResponseWhenNoAttemptSucceeds() throws IOException {
    naming.set("inventory-service", local(failing));
    OkHttpClient http = client(GovernanceRules.builder().retry(RetryRule.of("inventory-service", 2)).build());

    try (Response response = http.newCall(orders()).execute()) {
      assertThat(response.code()).isEqualTo(503);
      assertThat(response.body().string()).isEqualTo("down");
    }
    assertThat(failing.getAllServeEvents()).hasSize(2);
  }

  @Test
  void rejectionsBecomeIoExceptionsCarryingTheRefusal() throws IOException {
    naming.set("inventory-service", local(healthy));
    OkHttpClient http = client(GovernanceRules.builder().rateLimit(RateLimitRule.perSecond("inventory-service", 1)).build());
    http.newCall(orders()).execute().close();

    assertThatThrownBy(() -> http.newCall(orders()).execute())
        .isInstanceOf(GovernanceRejectedIOException.class)
        .satisfies(e -> assertThat(((GovernanceRejectedIOException) e).rejection())
            .isInstanceOf(RateLimitedException.class)
            .satisfies(r -> assertThat(r.resource()).isEqualTo("inventory-service")));
  }

  @Test
  void boundsEachAttemptByTheTimeout() {
    healthy.stubFor(get(urlEqualTo("/slow")).willReturn(aResponse().withStatus(200).withFixedDelay(2000)));
    naming.set("inventory-service", local(healthy));
    OkHttpClient http = client(GovernanceRules.builder().timeout("inventory-service", Duration.ofMillis(100)).build());

    assertThatThrownBy(() -> http.newCall(new Request.Builder().url("http://inventory-service/slow").build()).execute())
        .isInstanceOf(InterruptedIOException.class);
  }

  @Test
  void cancelsTheCallOfTheLastAttemptWhenItOutlivesItsTimeout() {
    healthy.stubFor(get(urlEqualTo("/slow")).willReturn(aResponse().withStatus(200).withFixedDelay(5000)));
    naming.set("inventory-service", local(healthy));
    Governance governance = Governance.builder(naming)
        .rules(GovernanceRules.builder().timeout("inventory-service", Duration.ofMillis(200)).build()).build();
    OkHttpClient http = new OkHttpClient.Builder()
        .addInterceptor(MseOkHttpInterceptor.builder(governance).build()).build();   // read timeout: 10 s
    Call call = http.newCall(new Request.Builder().url("http://inventory-service/slow").build());

    assertThatThrownBy(call::execute).isInstanceOf(InterruptedIOException.class)
        .hasCauseInstanceOf(CallTimeoutException.class);

    assertThat(call.isCanceled()).as("the Call was cancelled at the timeout, not left to its 10 s read timeout")
        .isTrue();
    assertThat(governance.counters("inventory-service").timeouts()).isEqualTo(1);
  }

  @Test
  void endsAStalledAttemptThatMayBeRetriedWithoutCancellingTheCall() throws IOException {
    healthy.stubFor(get(urlEqualTo("/orders")).willReturn(aResponse().withStatus(200).withBody("from healthy")));
    failing.stubFor(get(urlEqualTo("/orders")).willReturn(aResponse().withStatus(200).withFixedDelay(5000)));
    naming.set("inventory-service", local(failing), local(healthy));
    Governance governance = Governance.builder(naming).rules(GovernanceRules.builder()
        .timeout("inventory-service", Duration.ofMillis(300))
        .retry(new RetryRule("inventory-service", 2, 100, Duration.ofSeconds(10), 10))
        .loadBalancer("inventory-service", LoadBalancerType.ROUND_ROBIN).build()).build();
    OkHttpClient http = new OkHttpClient.Builder()
        .addInterceptor(MseOkHttpInterceptor.builder(governance).build()).build();

    for (int i = 0; i < 2; i++) {   // round robin: the stalled instance takes a first attempt
      Call call = http.newCall(orders());
      try (Response response = call.execute()) {
        assertThat(response.body().string()).isEqualTo("from healthy");
      }
      assertThat(call.isCanceled()).isFalse();
    }
    assertThat(governance.counters("inventory-service").retries()).isPositive();
    assertThat(failing.getAllServeEvents()).isNotEmpty();
  }

  @Test
  void leavesOtherHostsAlone() throws IOException {
    OkHttpClient http = client(GovernanceRules.EMPTY);

    try (Response response = http.newCall(new Request.Builder().url(healthy.baseUrl() + "/orders").build()).execute()) {
      assertThat(response.code()).isEqualTo(200);
    }
    assertThat(naming.reads).isZero();
  }

  @Test
  void routesOnAnyValueOfARepeatedHeader() throws IOException {
    naming.set("inventory-service", Instance.builder().ip("127.0.0.1").port(healthy.port()).metadata("version", "v2").build(),
        Instance.builder().ip("127.0.0.1").port(failing.port()).metadata("version", "v1").build());
    OkHttpClient http = client(GovernanceRules.builder()
        .route(RouteRule.of("inventory-service", RouteMatch.header("x-env", "gray"), Destination.of("version", "v2", 100)))
        .route(RouteRule.of("inventory-service", null, Destination.of("version", "v1", 100)))
        .build());
    Request grayFirst = orders().newBuilder().addHeader("X-Env", "gray").addHeader("X-Env", "blue").build();
    Request grayLast = orders().newBuilder().addHeader("X-Env", "blue").addHeader("X-Env", "gray").build();

    for (Request request : new Request[] {grayFirst, grayLast}) {
      try (Response response = http.newCall(request).execute()) {
        assertThat(response.code()).isEqualTo(200);
      }
    }
    assertThat(healthy.getAllServeEvents()).hasSize(2);
    assertThat(failing.getAllServeEvents()).isEmpty();
  }

  @Test
  void doesNotRetryAPostThatReachedTheServer() throws IOException {
    failing.stubFor(post(urlEqualTo("/orders")).willReturn(aResponse().withStatus(503).withBody("down")));
    naming.set("inventory-service", local(failing));
    OkHttpClient http = client(GovernanceRules.builder()
        .retry(new RetryRule("inventory-service", 3, 100, Duration.ofSeconds(10), 10)).build());

    try (Response response = http.newCall(postOrder()).execute()) {
      assertThat(response.code()).isEqualTo(503);
    }
    assertThat(failing.getAllServeEvents()).hasSize(1);
  }

  @Test
  void retriesAPostWhoseConnectionWasRefused() throws IOException {
    healthy.stubFor(post(urlEqualTo("/orders")).willReturn(aResponse().withStatus(201)));
    naming.set("inventory-service", local(healthy), refusing());
    OkHttpClient http = client(GovernanceRules.builder()
        .retry(new RetryRule("inventory-service", 2, 100, Duration.ofSeconds(10), 100)).build());

    for (int i = 0; i < 10; i++) {
      try (Response response = http.newCall(postOrder()).execute()) {
        assertThat(response.code()).isEqualTo(201);
      }
    }
    assertThat(healthy.getAllServeEvents()).hasSize(10);
  }

  @Test
  void retriesAPostOnAFailedResponseWhenTheBuilderOptsIn() throws IOException {
    failing.stubFor(post(urlEqualTo("/orders")).willReturn(aResponse().withStatus(503).withBody("down")));
    naming.set("inventory-service", local(failing));
    OkHttpClient http = client(GovernanceRules.builder()
        .retry(new RetryRule("inventory-service", 3, 100, Duration.ofSeconds(10), 10)).build(), true);

    try (Response response = http.newCall(postOrder()).execute()) {
      assertThat(response.code()).isEqualTo(503);
    }
    assertThat(failing.getAllServeEvents()).hasSize(3);
  }

  @Test
  void retriesIdempotentMethodsOnAFailedResponse() throws IOException {
    failing.stubFor(com.github.tomakehurst.wiremock.client.WireMock.put(urlEqualTo("/orders"))
        .willReturn(aResponse().withStatus(503)));
    naming.set("inventory-service", local(failing));
    OkHttpClient http = client(GovernanceRules.builder()
        .retry(new RetryRule("inventory-service", 3, 100, Duration.ofSeconds(10), 10)).build());

    http.newCall(orders().newBuilder().put(RequestBody.create("{}", MediaType.get("application/json"))).build())
        .execute().close();
    assertThat(failing.getAllServeEvents()).hasSize(3);
  }
}

package io.mse.client.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The fault proxy does what each of its faults says, in front of a real HTTP server (WireMock). */
@Timeout(60)
class FaultProxyTest {

  private static final String BODY = "0123456789abcdefghijklmnopqrstuvwxyz";

  private WireMockServer upstream;
  private FaultProxy proxy;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @BeforeEach
  void start() throws IOException {
    upstream = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    upstream.start();
    upstream.stubFor(get(urlPathEqualTo("/hello")).willReturn(aResponse().withStatus(200).withBody(BODY)));
    proxy = FaultProxy.start(upstream.port());
  }

  @AfterEach
  void stop() {
    proxy.close();
    upstream.stop();
  }

  private HttpResponse<String> call(Duration timeout) throws IOException, InterruptedException {
    return http.send(request(timeout), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest request(Duration timeout) {
    return HttpRequest.newBuilder(URI.create("http://" + proxy.address() + "/hello?secret=x")).timeout(timeout).build();
  }

  @Test
  void passesTrafficThroughAndCountsRequestLinesWithoutTheQuery() throws Exception {
    assertThat(call(Duration.ofSeconds(5)).body()).isEqualTo(BODY);
    assertThat(proxy.requests()).containsExactly("GET /hello");
    assertThat(proxy.count("GET", "/hello")).isEqualTo(1);
    assertThat(proxy.connections()).isEqualTo(1);
  }

  @Test
  void refusedConnectionsUntilHealedOnTheSamePort() throws Exception {
    proxy.refuse();
    assertThatThrownBy(() -> call(Duration.ofSeconds(2))).isInstanceOf(ConnectException.class);
    proxy.heal();
    assertThat(call(Duration.ofSeconds(5)).body()).isEqualTo(BODY);
  }

  @Test
  void aDroppingProxyAcceptsAndNeverAnswers() throws Exception {
    proxy.drop();
    assertThatThrownBy(() -> call(Duration.ofMillis(500))).isInstanceOf(HttpTimeoutException.class);
    assertThat(proxy.connections()).isEqualTo(1);
    assertThat(upstream.getAllServeEvents()).isEmpty();
  }

  @Test
  void aStalledExchangeFlowsOnOnceHealed() throws Exception {
    proxy.stall();
    CompletableFuture<HttpResponse<String>> pending = http.sendAsync(request(Duration.ofSeconds(30)),
        HttpResponse.BodyHandlers.ofString());
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !pending.isDone());
    proxy.heal();
    assertThat(pending.get().body()).isEqualTo(BODY);
  }

  @Test
  void delayedAndSlowAnswersArriveWholeAndNoSoonerThanTheirPauses() throws Exception {
    proxy.delay(Duration.ofMillis(300));
    long started = System.nanoTime();
    assertThat(call(Duration.ofSeconds(10)).body()).isEqualTo(BODY);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));

    proxy.slow(Duration.ofMillis(5));
    started = System.nanoTime();
    assertThat(call(Duration.ofSeconds(20)).body()).isEqualTo(BODY);
    // headers and body, one byte each 5 ms: at least the body's length in pauses
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(5L * BODY.length()));
  }

  @Test
  void aTruncatedAnswerFailsTheExchange() {
    proxy.truncate(20);
    assertThatThrownBy(() -> call(Duration.ofSeconds(5))).isInstanceOf(IOException.class);
  }

  @Test
  void resetConnectionsFailAtOnceUntilHealed() throws Exception {
    proxy.resetAll();
    assertThatThrownBy(() -> call(Duration.ofSeconds(5))).isInstanceOf(IOException.class)
        .isNotInstanceOf(HttpTimeoutException.class);
    proxy.heal();
    assertThat(call(Duration.ofSeconds(5)).body()).isEqualTo(BODY);
  }

  @Test
  void cutClosesOpenConnectionsSoTheNextRequestOpensAnother() throws Exception {
    call(Duration.ofSeconds(5));
    assertThat(proxy.connections()).isEqualTo(1);
    proxy.cut();
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      assertThat(call(Duration.ofSeconds(5)).body()).isEqualTo(BODY);
      assertThat(proxy.connections()).isGreaterThanOrEqualTo(2);
    });
  }
}

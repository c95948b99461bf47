package io.mse.client.nacos.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.mse.client.ServerUnavailableException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The detection of a server's line: once per transport, from the 3.x state endpoint. */
class NacosServerLineTest {

  private static final String STATE = "/nacos/v3/admin/core/state";
  private static final Duration TIMEOUT = Duration.ofSeconds(1);

  private WireMockServer server;
  private NacosTransport transport;

  @BeforeEach
  void start() {
    server = NacosTestSupport.startWireMock();
    transport = NacosTestSupport.transport(server, TIMEOUT);
  }

  @AfterEach
  void stop() {
    transport.close();
    server.stop();
  }

  @Test
  void a3xServerIsRecognizedByItsStateAndAskedOnlyOnce() {
    server.stubFor(get(urlPathEqualTo(STATE)).willReturn(aResponse().withStatus(200)
        .withBody(NacosAuthTest.STATE_3_0_3)));

    assertThat(transport.serverLine(TIMEOUT)).isEqualTo(NacosServerLine.V3);
    assertThat(transport.serverLine(TIMEOUT)).isEqualTo(NacosServerLine.V3);

    server.verify(1, getRequestedFor(urlPathEqualTo(STATE)));
  }

  @Test
  void a2xServerAnswers404() {
    // 2.5.1 answers so (recorded with curl).
    server.stubFor(get(urlPathEqualTo(STATE)).willReturn(aResponse().withStatus(404).withBody(
        "{\"timestamp\":\"2026-12-01T22:23:58.235+00:00\",\"status\":404,\"error\":\"Not Found\","
            + "\"message\":\"No message available\",\"path\":\"/nacos/v3/admin/core/state\"}")));

    assertThat(transport.serverLine(TIMEOUT)).isEqualTo(NacosServerLine.V2);
    assertThat(transport.serverLine(TIMEOUT)).isEqualTo(NacosServerLine.V2);

    server.verify(1, getRequestedFor(urlPathEqualTo(STATE)));
  }

  @Test
  void aServerThatDoesNotAnswerLeavesTheLineUndecidedUntilOneDoes() {
    server.stubFor(get(urlPathEqualTo(STATE)).willReturn(aResponse().withStatus(503)));

    assertThatThrownBy(() -> transport.serverLine(TIMEOUT)).isInstanceOf(ServerUnavailableException.class);

    server.stubFor(get(urlPathEqualTo(STATE)).willReturn(aResponse().withStatus(200)
        .withBody(NacosAuthTest.STATE_3_0_3)));
    assertThat(transport.serverLine(TIMEOUT)).isEqualTo(NacosServerLine.V3);
  }

  @Test
  void anOddAnswerIsNotTakenFor2xUnless2xsOwnStateEndpointAnswers() {
    // A proxy in front of a 3.x server answering 405 must not fix the line as 2.x for good.
    server.stubFor(get(urlPathEqualTo(STATE)).willReturn(aResponse().withStatus(405)));
    server.stubFor(get(urlPathEqualTo("/nacos" + NacosServerLine.V2_STATE_PATH)).willReturn(aResponse().withStatus(404)));

    assertThatThrownBy(() -> transport.serverLine(TIMEOUT)).isInstanceOf(ServerUnavailableException.class)
        .hasMessageContaining("did not say its line");

    server.stubFor(get(urlPathEqualTo(STATE)).willReturn(aResponse().withStatus(200)
        .withBody(NacosAuthTest.STATE_3_0_3)));
    assertThat(transport.serverLine(TIMEOUT)).isEqualTo(NacosServerLine.V3);
  }

  @Test
  void anOddAnswerFromA2xServerIsSettledBy2xsStateEndpoint() {
    server.stubFor(get(urlPathEqualTo(STATE)).willReturn(aResponse().withStatus(400)));
    server.stubFor(get(urlPathEqualTo("/nacos" + NacosServerLine.V2_STATE_PATH)).willReturn(aResponse().withStatus(200)
        .withBody("{\"version\":\"2.5.1\"}")));

    assertThat(transport.serverLine(TIMEOUT)).isEqualTo(NacosServerLine.V2);
  }

  @Test
  void readsTheReasonOfAWrappedRefusal() {
    assertThat(NacosServerLine.reason("{\"code\":21001,\"message\":\"weight error\",\"data\":\"instance format"
        + " invalid: The weights range from 0.0 to 10000.0\"}"))
        .isEqualTo("weight error: instance format invalid: The weights range from 0.0 to 10000.0");
    assertThat(NacosServerLine.reason("{\"status\":403,\"error\":\"Forbidden\",\"message\":\"token invalid!\"}"))
        .isEqualTo("token invalid!");
    assertThat(NacosServerLine.reason("Param 'cluster' is illegal")).isEqualTo("Param 'cluster' is illegal");
  }
}

package io.mse.client.nacos.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.mse.client.AuthenticationException;
import io.mse.client.RequestRefusedException;
import io.mse.client.naming.Instance;
import io.mse.client.naming.ServiceKey;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** In-place updates on each server line, and the typed refusals of naming requests. */
class NacosNamingApiTest {

  private static final String INSTANCE = "/nacos/v1/ns/instance";
  private static final String INSTANCE_V3 = "/nacos/v3/admin/ns/instance";
  private static final Duration TIMEOUT = Duration.ofSeconds(1);

  private final ServiceKey demo = new ServiceKey("", "DEFAULT_GROUP", "demo-svc");
  private final Instance changed = Instance.builder().ip("10.0.0.7").port(8080).weight(4).clusterName("c1")
      .ephemeral(false).healthy(false).metadata("v", "2").build();
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

  private NacosNamingApi api(NacosServerLine line) {
    return new NacosNamingApi(transport::send, timeout -> line);
  }

  @Test
  void on3xAnUpdateGoesToTheAdminApiWithTheBareServiceName() {
    server.stubFor(put(urlPathEqualTo(INSTANCE_V3)).willReturn(aResponse().withStatus(200)
        .withBody("{\"code\":0,\"message\":\"success\",\"data\":\"ok\"}")));

    api(NacosServerLine.V3).update(demo, changed, TIMEOUT);

    server.verify(1, putRequestedFor(urlPathEqualTo(INSTANCE_V3))
        .withFormParam("serviceName", equalTo("demo-svc"))
        .withFormParam("groupName", equalTo("DEFAULT_GROUP"))
        .withFormParam("namespaceId", equalTo("public"))
        .withFormParam("ip", equalTo("10.0.0.7"))
        .withFormParam("port", equalTo("8080"))
        .withFormParam("clusterName", equalTo("c1"))
        .withFormParam("weight", equalTo("4.0"))
        .withFormParam("healthy", equalTo("false"))
        .withFormParam("enabled", equalTo("true"))
        .withFormParam("ephemeral", equalTo("false"))
        .withFormParam("metadata", equalToJson("{\"v\":\"2\"}")));
    server.verify(0, putRequestedFor(urlPathEqualTo(INSTANCE)));
  }

  @Test
  void on2xAnUpdateStaysOnTheV1Api() {
    server.stubFor(put(urlPathEqualTo(INSTANCE)).willReturn(aResponse().withStatus(200).withBody("ok")));

    api(NacosServerLine.V2).update(demo, changed, TIMEOUT);

    server.verify(1, putRequestedFor(urlPathEqualTo(INSTANCE))
        .withFormParam("serviceName", equalTo("DEFAULT_GROUP@@demo-svc")));
  }

  @Test
  void a3xRefusalIsTypedWithTheServersReason() {
    // 3.0.3's answer to a weight out of range (recorded with curl).
    server.stubFor(put(urlPathEqualTo(INSTANCE_V3)).willReturn(aResponse().withStatus(400).withBody(
        "{\"code\":21001,\"message\":\"weight error\",\"data\":\"instance format invalid: The weights range from"
            + " 0.0 to 10000.0\"}")));

    assertThatThrownBy(() -> api(NacosServerLine.V3).update(demo, changed, TIMEOUT))
        .isInstanceOfSatisfying(RequestRefusedException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.resource()).isEqualTo("public/DEFAULT_GROUP@@demo-svc");
          assertThat(e.reason()).contains("The weights range from 0.0 to 10000.0");
        })
        .hasMessageContaining("refused to update 10.0.0.7:8080 in 'public/DEFAULT_GROUP@@demo-svc'");
  }

  @Test
  void a3xAdminApiWithoutAnAdminLoginIsAnAuthenticationRefusal() {
    server.stubFor(put(urlPathEqualTo(INSTANCE_V3)).willReturn(aResponse().withStatus(403).withBody(
        NacosNamespacesTest.FORBIDDEN_V3)));

    assertThatThrownBy(() -> api(NacosServerLine.V3).update(demo, changed, TIMEOUT))
        .isInstanceOf(AuthenticationException.class).hasMessageContaining("admin login")
        .hasMessageContaining("public/DEFAULT_GROUP@@demo-svc");
  }

  @Test
  void aParameterA2xServerRejectsIsARequestRefusedNotAnIllegalState() {
    // 2.5.1's answer to a cluster name it rejects (recorded with curl).
    server.stubFor(put(urlPathEqualTo(INSTANCE)).willReturn(aResponse().withStatus(400)
        .withBody("Param 'cluster' is illegal, illegal characters should not appear in the param.\n")));

    assertThatThrownBy(() -> api(NacosServerLine.V2).update(demo, changed, TIMEOUT))
        .isInstanceOfSatisfying(RequestRefusedException.class, e -> assertThat(e.reason())
            .isEqualTo("Param 'cluster' is illegal, illegal characters should not appear in the param."));
  }
}

package io.mse.client.nacos.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.mse.client.MseClient;
import io.mse.client.nacos.NacosAdmin;
import io.mse.client.nacos.NacosNamespace;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The namespace admin API and the detection of a namespace given by name. */
class NacosNamespacesTest {

  private static final String NAMESPACES = "/nacos/v1/console/namespaces";
  /** The list of the transcript (auth.txt). */
  static final String LIST = "{\"code\":200,\"message\":null,\"data\":[{\"namespace\":\"\",\"namespaceShowName\":\"public\","
      + "\"namespaceDesc\":\"Default Namespace\",\"quota\":200,\"configCount\":0,\"type\":0},{\"namespace\":\"dev-ns\","
      + "\"namespaceShowName\":\"dev\",\"namespaceDesc\":\"demo\",\"quota\":200,\"configCount\":3,\"type\":2}]}";

  @TempDir
  Path snapshots;

  private WireMockServer server;

  @BeforeEach
  void start() {
    server = NacosTestSupport.startWireMock();
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  @Test
  void listsCreatesAndDeletesNamespaces() {
    server.stubFor(get(urlPathEqualTo(NAMESPACES)).willReturn(aResponse().withStatus(200).withBody(LIST)));
    server.stubFor(post(urlPathEqualTo(NAMESPACES)).willReturn(aResponse().withStatus(200).withBody("true")));
    server.stubFor(delete(urlPathEqualTo(NAMESPACES)).willReturn(aResponse().withStatus(200).withBody("true")));

    try (NacosAdmin admin = NacosAdmin.create(NacosTestSupport.builder(server, snapshots).toConfig())) {
      assertThat(admin.listNamespaces()).containsExactly(new NacosNamespace("", "public", "Default Namespace", 0),
          new NacosNamespace("dev-ns", "dev", "demo", 3));
      assertThat(admin.createNamespace("dev-ns", "dev", "demo")).isTrue();
      assertThat(admin.deleteNamespace("dev-ns")).isTrue();
      assertThatThrownBy(() -> admin.deleteNamespace("public")).isInstanceOf(IllegalArgumentException.class);
    }

    assertThat(NacosConfigEngineTest.form(server.findAll(postRequestedFor(urlPathEqualTo(NAMESPACES))).get(0)))
        .containsExactly("customNamespaceId=dev-ns", "namespaceName=dev", "namespaceDesc=demo");
    server.verify(deleteRequestedFor(urlPathEqualTo(NAMESPACES)).withQueryParam("namespaceId", equalTo("dev-ns")));
  }

  @Test
  void aNamespaceGivenByItsNameIsReportedWithItsId() {
    server.stubFor(get(urlPathEqualTo(NAMESPACES)).willReturn(aResponse().withStatus(200).withBody(LIST)));

    assertThatThrownBy(() -> NacosTestSupport.builder(server, snapshots).namespace("dev").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("namespace 'dev' is a name; its id is 'dev-ns'");

    try (MseClient client = NacosTestSupport.builder(server, snapshots).namespace("dev-ns").build()) {
      assertThat(client.settings().namespace()).isEqualTo("dev-ns");
    }
  }

  @Test
  void aNamespaceListThatCannotBeReadDoesNotFailTheClient() {
    server.stubFor(get(urlPathEqualTo(NAMESPACES)).willReturn(aResponse().withStatus(403)
        .withBody("{\"message\":\"authorization failed!\"}")));

    try (MseClient client = NacosTestSupport.builder(server, snapshots).namespace("dev").build()) {
      assertThat(client.settings().namespace()).isEqualTo("dev");
    }
  }
}

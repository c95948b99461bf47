package io.mse.client.nacos.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.mse.client.AuthenticationException;
import io.mse.client.MseClient;
import io.mse.client.RequestRefusedException;
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
  private static final String NAMESPACES_V3 = "/nacos/v3/admin/core/namespace";
  private static final String STATE = "/nacos/v3/admin/core/state";
  /** The answers of 3.0.3 (recorded with curl). */
  static final String LIST_V3 = "{\"code\":0,\"message\":\"success\",\"data\":[{\"namespace\":\"public\","
      + "\"namespaceShowName\":\"public\",\"namespaceDesc\":\"Default Namespace\",\"quota\":200,\"configCount\":0,"
      + "\"type\":0},{\"namespace\":\"dev-ns\",\"namespaceShowName\":\"dev\",\"namespaceDesc\":\"demo\","
      + "\"quota\":200,\"configCount\":3,\"type\":1}]}";
  static final String TRUE_V3 = "{\"code\":0,\"message\":\"success\",\"data\":true}";
  static final String EXISTS_V3 = "{\"code\":22002,\"message\":\"namespace already exist\","
      + "\"data\":\"namespaceId [dev-ns] already exist.\"}";
  static final String FORBIDDEN_V3 = "{\"timestamp\":\"2026-12-01T22:23:58.437+00:00\",\"status\":403,\"error\":"
      + "\"Forbidden\",\"message\":\"Code: 401, Message: User not found! Please check user exist or password is right!.\","
      + "\"path\":\"/nacos/v3/admin/core/namespace/list\"}";
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

  @Test
  void onA3xServerWithClientAuthOffARefusedAdminCallDoesNotLogInAgainEachTime() {
    stubLine3();
    // 48848-like: no user exists, the login is refused, unsigned client reads are served
    server.stubFor(post(urlPathEqualTo("/nacos/v3/auth/user/login")).willReturn(aResponse().withStatus(403)
        .withBody("{\"status\":403,\"error\":\"Forbidden\",\"message\":\"Access Denied\"}")));
    server.stubFor(get(urlPathEqualTo("/nacos/v3/client/cs/config")).willReturn(aResponse().withStatus(200)
        .withBody("{\"code\":20004,\"message\":\"config data not exist\",\"data\":null}")));
    server.stubFor(get(urlPathEqualTo(NAMESPACES_V3 + "/list")).willReturn(aResponse().withStatus(403)
        .withBody(FORBIDDEN_V3)));

    try (NacosAdmin admin = NacosAdmin.create(NacosTestSupport.builder(server, snapshots)
        .credentials("nacos", "not-an-admin").toConfig())) {
      assertThatThrownBy(admin::listNamespaces).isInstanceOf(AuthenticationException.class);
      assertThatThrownBy(admin::listNamespaces).isInstanceOf(AuthenticationException.class);
    }
    server.verify(1, postRequestedFor(urlPathEqualTo("/nacos/v3/auth/user/login")));
    server.verify(2, getRequestedFor(urlPathEqualTo(NAMESPACES_V3 + "/list")));
  }

  private void stubLine3() {
    server.stubFor(get(urlPathEqualTo(STATE)).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withBody(NacosAuthTest.STATE_3_0_3)));
  }

  @Test
  void onA3xServerUsesTheV3AdminApiAndReportsThePublicNamespaceWithAnEmptyId() {
    stubLine3();
    server.stubFor(get(urlPathEqualTo(NAMESPACES_V3 + "/list")).willReturn(aResponse().withStatus(200).withBody(LIST_V3)));
    server.stubFor(post(urlPathEqualTo(NAMESPACES_V3)).willReturn(aResponse().withStatus(200).withBody(TRUE_V3)));
    server.stubFor(delete(urlPathEqualTo(NAMESPACES_V3)).willReturn(aResponse().withStatus(200).withBody(TRUE_V3)));

    try (NacosAdmin admin = NacosAdmin.create(NacosTestSupport.builder(server, snapshots).toConfig())) {
      assertThat(admin.listNamespaces()).containsExactly(new NacosNamespace("", "public", "Default Namespace", 0),
          new NacosNamespace("dev-ns", "dev", "demo", 3));
      assertThat(admin.listNamespaces().get(0).isPublic()).isTrue();
      assertThat(admin.createNamespace("dev-ns", "dev", "demo")).isTrue();
      assertThat(admin.deleteNamespace("dev-ns")).isTrue();
    }

    server.verify(1, getRequestedFor(urlPathEqualTo(STATE)));
    assertThat(NacosConfigEngineTest.form(server.findAll(postRequestedFor(urlPathEqualTo(NAMESPACES_V3))).get(0)))
        .containsExactly("namespaceId=dev-ns", "namespaceName=dev", "namespaceDesc=demo");
    server.verify(deleteRequestedFor(urlPathEqualTo(NAMESPACES_V3)).withQueryParam("namespaceId", equalTo("dev-ns")));
    server.verify(0, getRequestedFor(urlPathEqualTo(NAMESPACES)));
  }

  @Test
  void creatingAnExistingIdAnswersFalseAndOtherRefusalsAreTyped() {
    stubLine3();
    server.stubFor(post(urlPathEqualTo(NAMESPACES_V3)).withRequestBody(containing("dev-ns"))
        .willReturn(aResponse().withStatus(400).withBody(EXISTS_V3)));
    server.stubFor(post(urlPathEqualTo(NAMESPACES_V3)).withRequestBody(containing("other"))
        .willReturn(aResponse().withStatus(400).withBody("{\"code\":22000,\"message\":\"illegal namespace\","
            + "\"data\":\"namespaceName [a$b] contains illegal char\"}")));

    try (NacosAdmin admin = NacosAdmin.create(NacosTestSupport.builder(server, snapshots).toConfig())) {
      assertThat(admin.createNamespace("dev-ns", "dev", "demo")).isFalse();
      assertThatThrownBy(() -> admin.createNamespace("other", "a$b", null))
          .isInstanceOfSatisfying(RequestRefusedException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.resource()).isEqualTo("other");
            assertThat(e.reason()).isEqualTo("illegal namespace: namespaceName [a$b] contains illegal char");
          });
    }
  }

  @Test
  void a3xServerWithoutAnAdminLoginRefusesTheAdminApiWithAnAuthenticationException() {
    stubLine3();
    server.stubFor(get(urlPathEqualTo(NAMESPACES_V3 + "/list")).willReturn(aResponse().withStatus(403)
        .withBody(FORBIDDEN_V3)));

    try (NacosAdmin admin = NacosAdmin.create(NacosTestSupport.builder(server, snapshots).toConfig())) {
      assertThatThrownBy(admin::listNamespaces).isInstanceOf(AuthenticationException.class)
          .hasMessageContaining("User not found!").hasMessageContaining("admin rights");
    }
  }

  @Test
  void aNamespaceGivenByItsNameIsReportedWithItsIdOnA3xServer() {
    stubLine3();
    server.stubFor(get(urlPathEqualTo(NAMESPACES_V3 + "/list")).willReturn(aResponse().withStatus(200).withBody(LIST_V3)));

    assertThatThrownBy(() -> NacosTestSupport.builder(server, snapshots).namespace("dev").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("namespace 'dev' is a name; its id is 'dev-ns'");
  }

  @Test
  void aCheckThatTheServerRefusesSaysSoAtWarnRatherThanSwitchingItselfOffSilently() {
    stubLine3();
    server.stubFor(get(urlPathEqualTo(NAMESPACES_V3 + "/list")).willReturn(aResponse().withStatus(403)
        .withBody(FORBIDDEN_V3)));

    String logs = NacosTestSupport.captureStderr(() -> {
      try (MseClient client = NacosTestSupport.builder(server, snapshots).namespace("dev").build()) {
        assertThat(client.settings().namespace()).isEqualTo("dev");
      }
    });

    assertThat(logs).contains("WARN").contains("Cannot check that namespace 'dev' is an id");
  }
}

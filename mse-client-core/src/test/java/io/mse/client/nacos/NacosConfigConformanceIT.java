package io.mse.client.nacos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mse.client.AuthenticationException;
import io.mse.client.MseClient;
import io.mse.client.config.ConfigChangeEvent;
import io.mse.client.spi.Md5;
import io.mse.client.testing.nacos.NacosConformance;
import io.mse.client.testing.nacos.NacosServerTarget;
import io.mse.client.testing.nacos.NacosServers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Conformance of the config half, long polling, auth and namespaces against each real Nacos server
 * of {@link NacosServers} (2.x and 3.x, auth on and off; or the one named by {@code MSE_IT_NACOS_ADDR}).
 * Skipped when there is none. Every run uses fresh dataIds and namespace ids, waits for conditions (a
 * read right after a publish may be 404 for ~100 ms) and removes what it created.
 */
@NacosConformance
class NacosConfigConformanceIT {

  private static final Duration VISIBLE = Duration.ofSeconds(10);
  private static final Duration PUSHED = Duration.ofSeconds(45);

  @TempDir
  Path snapshots;

  private final NacosServerTarget server;
  private final String run = "it-" + UUID.randomUUID().toString().substring(0, 8);
  private final List<Runnable> cleanups = new ArrayList<>();

  NacosConfigConformanceIT(NacosServerTarget server) {
    this.server = server;
  }

  private MseClient.Builder builder() {
    return server.clientBuilder(snapshots);
  }

  private MseClient client(MseClient.Builder builder) {
    MseClient client = builder.build();
    cleanups.add(0, client::close);
    return client;
  }

  private String dataId(String name) {
    return run + "-" + name + ".properties";
  }

  private void removeLater(MseClient client, String dataId) {
    cleanups.add(0, () -> client.config().removeConfig(dataId, null));
  }

  @AfterEach
  void cleanUp() {
    for (Runnable cleanup : cleanups) {
      try {
        cleanup.run();
      } catch (RuntimeException e) {
        System.err.println("cleanup failed: " + e);
      }
    }
  }

  @Test
  void publishesReadsUpdatesAndRemovesAConfig() {
    MseClient client = client(builder());
    String dataId = dataId("crud");
    removeLater(client, dataId);

    assertThat(client.config().getConfig(dataId, null)).isNull();
    assertThat(client.config().publishConfig(dataId, null, "k=v1", "properties")).isTrue();
    await().atMost(VISIBLE).until(() -> "k=v1".equals(client.config().getConfig(dataId, null)));
    assertThat(client.config().publishConfig(dataId, null, "k=v2\nü=ß")).isTrue();
    await().atMost(VISIBLE).until(() -> "k=v2\nü=ß".equals(client.config().getConfig(dataId, null)));
    assertThat(client.config().removeConfig(dataId, null)).isTrue();
    await().atMost(VISIBLE).until(() -> client.config().getConfig(dataId, null) == null);
  }

  @Test
  void publishesALargeContentThroughTheFormBody() {
    MseClient client = client(builder());
    String dataId = dataId("large");
    removeLater(client, dataId);
    String content = "k=" + "x".repeat(64 * 1024) + "&+%=";

    assertThat(client.config().publishConfig(dataId, "IT_GROUP", content)).isTrue();
    cleanups.add(0, () -> client.config().removeConfig(dataId, "IT_GROUP"));
    await().atMost(VISIBLE).until(() -> content.equals(client.config().getConfig(dataId, "IT_GROUP")));
  }

  @Test
  void compareAndSetPublishesOnlyOverTheExpectedContent() {
    MseClient client = client(builder());
    String dataId = dataId("cas");
    removeLater(client, dataId);
    assertThat(client.config().publishConfig(dataId, null, "v1")).isTrue();
    await().atMost(VISIBLE).until(() -> "v1".equals(client.config().getConfig(dataId, null)));

    assertThat(client.config().publishConfigCas(dataId, null, "v2", Md5.of("not-v1"))).isFalse();
    assertThat(client.config().publishConfigCas(dataId, null, "v2", Md5.of("v1"))).isTrue();
    await().atMost(VISIBLE).until(() -> "v2".equals(client.config().getConfig(dataId, null)));
  }

  /** The client's limits are the server's: the longest names it accepts are stored, one more is refused before I/O. */
  @Test
  void theLongestNamesTheClientAcceptsAreTheServersAndOneMoreIsRefusedBeforeIo() {
    MseClient client = client(builder());
    String dataId = run + "-" + "d".repeat(255 - run.length() - 1);
    String group = "g".repeat(128);
    assertThat(client.config().publishConfig(dataId, group, "k=v")).isTrue();
    cleanups.add(0, () -> client.config().removeConfig(dataId, group));
    await().atMost(VISIBLE).until(() -> "k=v".equals(client.config().getConfig(dataId, group)));

    assertThatThrownBy(() -> client.config().publishConfig(dataId + "d", group, "k=v"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 255");
    assertThatThrownBy(() -> client.config().publishConfig(dataId, group + "g", "k=v"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 128");
    assertThatThrownBy(() -> client.config().publishConfig(run + "-配置", null, "k=v"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only ASCII letters");
    assertThatThrownBy(() -> client.config().publishConfig(dataId, null, " "))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is blank");
  }

  /** A CAS expecting some content finds none: false, nothing created; one expecting none ("") creates once. */
  @Test
  void compareAndSetOnAnAbsentConfigCreatesOnlyWhenExpectingNone() {
    MseClient client = client(builder());
    String dataId = dataId("cas-absent");
    removeLater(client, dataId);

    assertThat(client.config().publishConfigCas(dataId, null, "v0", Md5.of("v1"))).isFalse();
    // what the server created would be readable within half a second: it stays absent
    await().during(Duration.ofMillis(500)).atMost(VISIBLE).until(() -> client.config().getConfig(dataId, null) == null);

    assertThat(client.config().publishConfigCas(dataId, null, "v1", "")).isTrue();
    await().atMost(VISIBLE).until(() -> "v1".equals(client.config().getConfig(dataId, null)));
    assertThat(client.config().publishConfigCas(dataId, null, "v2", "")).isFalse();
    await().during(Duration.ofMillis(500)).atMost(VISIBLE).until(() -> "v1".equals(client.config().getConfig(dataId, null)));
  }

  /** The conflict is the server's answer: with a second (dead) server listed it is neither retried nor a fault. */
  @Test
  void aCompareAndSetConflictIsFalseAndNotRetriedOnAnotherServer() throws Exception {
    int dead;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      dead = socket.getLocalPort();
    }
    MseClient client = client(builder().serverAddr(server.address() + ",127.0.0.1:" + dead));
    String dataId = dataId("cas-conflict");
    removeLater(client, dataId);
    assertThat(client.config().publishConfig(dataId, null, "v1")).isTrue();
    await().atMost(VISIBLE).until(() -> "v1".equals(client.config().getConfig(dataId, null)));

    for (int i = 0; i < 4; i++) { // whichever server the client starts at
      assertThat(client.config().publishConfigCas(dataId, null, "v2", Md5.of("not-v1"))).isFalse();
    }
    assertThat(client.config().getConfig(dataId, null)).isEqualTo("v1");
  }

  @Test
  void aListenerHearsEveryPublishOfAnotherClientByLongPolling() {
    MseClient listening = client(builder());
    MseClient publishing = client(builder());
    String dataId = dataId("listen");
    removeLater(publishing, dataId);
    List<ConfigChangeEvent> events = new CopyOnWriteArrayList<>();

    assertThat(listening.config().getConfigAndAddListener(dataId, null, Duration.ofSeconds(5), events::add)).isNull();
    publishing.config().publishConfig(dataId, null, "v1");
    await().atMost(PUSHED).until(() -> events.stream().anyMatch(e -> "v1".equals(e.content())));
    publishing.config().publishConfig(dataId, null, "v2");
    await().atMost(PUSHED).until(() -> "v2".equals(events.get(events.size() - 1).content()));
    assertThat(listening.config().getConfig(dataId, null)).isEqualTo("v2");
    publishing.config().removeConfig(dataId, null);
    await().atMost(PUSHED).until(() -> events.get(events.size() - 1).removed());
  }

  /** Whether this client may use the admin API: Nacos 3.x demands an admin login there even with client auth off. */
  private boolean adminUsable() {
    return server.auth() || !server.line3();
  }

  @Test
  void namespacesIsolateConfigsAndANameIsNotTakenForAnId() {
    assumeTrue(adminUsable(), "Nacos 3.x serves its admin API only to an admin login, even with client auth off");
    String id = run + "-ns";
    String name = run + "-name";
    try (NacosAdmin admin = NacosAdmin.create(builder().toConfig())) {
      assertThat(admin.createNamespace(id, name, "mse-client conformance")).isTrue();
      cleanups.add(() -> admin.deleteNamespace(id));
      await().atMost(VISIBLE).until(() -> admin.listNamespaces().stream()
          .anyMatch(n -> n.id().equals(id) && n.name().equals(name)));

      MseClient inNamespace = client(builder().namespace(id));
      MseClient inPublic = client(builder().namespace("public"));
      String dataId = dataId("ns");
      removeLater(inNamespace, dataId);
      assertThat(inNamespace.config().publishConfig(dataId, null, "tenant=yes")).isTrue();
      await().atMost(VISIBLE).until(() -> "tenant=yes".equals(inNamespace.config().getConfig(dataId, null)));
      assertThat(inPublic.config().getConfig(dataId, null)).isNull();

      assertThatThrownBy(() -> builder().namespace(name).build()).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("namespace '" + name + "' is a name; its id is '" + id + "'");

      inNamespace.config().removeConfig(dataId, null);
      // runs the cleanups (client close, namespace delete) while the admin client is open
      cleanUp();
      cleanups.clear();
      await().atMost(VISIBLE).until(() -> admin.listNamespaces().stream().noneMatch(n -> n.id().equals(id)));
    }
  }

  @Test
  void withoutAnAdminLoginA3xServerRefusesTheAdminApiClearlyAndNamespacesStillIsolate() {
    assumeTrue(!adminUsable(), "only a 3.x server without credentials");
    try (NacosAdmin admin = NacosAdmin.create(builder().toConfig())) {
      assertThatThrownBy(admin::listNamespaces).isInstanceOf(AuthenticationException.class)
          .hasMessageContaining("admin rights");
      assertThatThrownBy(() -> admin.createNamespace(run + "-ns", "n", null))
          .isInstanceOf(AuthenticationException.class);
    }
    // A client can still address a namespace by id (the server does not demand it exist).
    MseClient inNamespace = client(builder().namespace(run + "-ns"));
    MseClient inPublic = client(builder());
    String dataId = dataId("ns");
    removeLater(inNamespace, dataId);
    assertThat(inNamespace.config().publishConfig(dataId, null, "tenant=yes")).isTrue();
    await().atMost(VISIBLE).until(() -> "tenant=yes".equals(inNamespace.config().getConfig(dataId, null)));
    assertThat(inPublic.config().getConfig(dataId, null)).isNull();
  }

  @Test
  void wrongCredentialsAreRefusedClearly() {
    assumeTrue(server.auth(), "needs a server with auth on");
    String wrong = "wrong-" + run;
    assertThatThrownBy(() -> builder().credentials(server.username(), wrong).build())
        .isInstanceOf(AuthenticationException.class).hasMessageContaining("check the username and password")
        .hasMessageNotContaining(wrong);
  }

  @Test
  void anUnknownUserIsRefusedClearly() {
    assumeTrue(server.auth(), "needs a server with auth on");
    String user = "nobody-" + run;
    assertThatThrownBy(() -> builder().credentials(user, "wrong-" + run).build())
        .isInstanceOf(AuthenticationException.class).hasMessageContaining("login as '" + user + "'")
        .hasMessageContaining("check the username and password").hasMessageNotContaining("wrong-" + run);
  }

  @Test
  void credentialsGivenToAServerWithoutAuthAreLeftUnused() {
    assumeTrue(!server.auth(), "needs a server with auth off");
    MseClient client = client(builder().credentials("nobody-" + run, "any-" + run));
    String dataId = dataId("noauth");
    removeLater(client, dataId);

    assertThat(client.config().publishConfig(dataId, null, "k=v")).isTrue();
    await().atMost(VISIBLE).until(() -> "k=v".equals(client.config().getConfig(dataId, null)));
  }
}

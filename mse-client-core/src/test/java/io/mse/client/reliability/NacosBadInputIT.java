package io.mse.client.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mse.client.MseClient;
import io.mse.client.config.ConfigChangeEvent;
import io.mse.client.testing.FaultProxy;
import io.mse.client.testing.nacos.NacosConformance;
import io.mse.client.testing.nacos.NacosServerTarget;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Oversized content against the real servers: their web server reads a form body of at most 2 MiB
 * (Spring Boot's {@code server.tomcat.max-http-form-post-size}, kept by Nacos 2.5.1 and 3.0.3) and past
 * it drops the whole form, so the server answers that {@code dataId} is missing (2.5.1 with a 500, which
 * would look like a server fault). The client refuses such a publish before sending it, naming the
 * value and the limit, and nothing stored changes; a body of exactly the limit is stored whole.
 */
@NacosConformance
@Timeout(180)
class NacosBadInputIT {

  private static final int LIMIT = 2 * 1024 * 1024;

  private final NacosServerTarget server;

  @TempDir
  Path dir;

  NacosBadInputIT(NacosServerTarget server) {
    this.server = server;
  }

  /** The content that makes the publish's form body {@code bodyBytes} long (ASCII letters encode 1:1). */
  private static String contentFor(String dataId, int bodyBytes) {
    int prefix = ("dataId=" + dataId + "&group=DEFAULT_GROUP&content=").length();
    return "x".repeat(bodyBytes - prefix);
  }

  @Test
  void aFormOverTheServersLimitIsRefusedBeforeItIsSentAndNothingStoredChanges() throws Exception {
    String dataId = "bad-input-" + UUID.randomUUID().toString().substring(0, 8) + ".txt";
    List<ConfigChangeEvent> events = new CopyOnWriteArrayList<>();
    try (FaultProxy proxy = FaultProxy.start(Integer.parseInt(server.address().split(":")[1]));
         MseClient client = server.clientBuilder(dir).serverAddr(proxy.address()).build()) {
      assertThat(client.config().publishConfig(dataId, "DEFAULT_GROUP", "v=1")).isTrue();
      // served only after the server's dump: wait for it, then listen once (a listener added while the
      // server still answered "not found" would be told of v=1 as a change)
      await().atMost(Duration.ofSeconds(10)).until(() -> "v=1".equals(
          client.config().getConfig(dataId, "DEFAULT_GROUP", Duration.ofSeconds(5))));
      assertThat(client.config().getConfigAndAddListener(dataId, "DEFAULT_GROUP", Duration.ofSeconds(5), events::add))
          .isEqualTo("v=1");
      long publishes = proxy.count("POST", "/nacos/v1/cs/configs");

      String oneByteTooMany = contentFor(dataId, LIMIT + 1);
      assertThatThrownBy(() -> client.config().publishConfig(dataId, "DEFAULT_GROUP", oneByteTooMany))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(dataId)
          .hasMessageContaining((LIMIT + 1) + " bytes").hasMessageContaining(LIMIT + " bytes")
          .hasMessageContaining("nacos.maxFormBytes");
      // a short content of wide characters: 400,000 'ü' take 2.4 MB once URL-encoded
      assertThatThrownBy(() -> client.config().publishConfig(dataId, "DEFAULT_GROUP", "ü".repeat(400_000)))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(proxy.count("POST", "/nacos/v1/cs/configs")).as("nothing sent").isEqualTo(publishes);
      assertThat(client.config().getConfig(dataId, "DEFAULT_GROUP")).isEqualTo("v=1");
      assertThat(events).isEmpty();

      // exactly the limit is stored and read back whole
      String atTheLimit = contentFor(dataId, LIMIT);
      assertThat(client.config().publishConfig(dataId, "DEFAULT_GROUP", atTheLimit)).isTrue();
      await().atMost(Duration.ofSeconds(60)).until(() -> !events.isEmpty());
      assertThat(events.get(events.size() - 1).content()).isEqualTo(atTheLimit);
      client.config().removeConfig(dataId, "DEFAULT_GROUP");
    }
  }

  @Test
  void theServerItselfDropsAFormOverTheLimitWhole() throws Exception {
    String dataId = "bad-input-raw-" + UUID.randomUUID().toString().substring(0, 8) + ".txt";
    String body = "dataId=" + dataId + "&group=DEFAULT_GROUP&content=" + contentFor(dataId, LIMIT + 1000);
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest.Builder post = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/cs/configs"))
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body));
    if (server.auth()) {
      post.header("accessToken", token(http));
    }
    HttpResponse<String> answer = http.send(post.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).isIn(400, 500);
    assertThat(answer.body()).contains("dataId");
    try (MseClient client = server.clientBuilder(dir).build()) {
      assertThat(client.config().getConfig(dataId, "DEFAULT_GROUP")).isNull();
    }
  }

  private String token(HttpClient http) throws Exception {
    String form = "username=" + URLEncoder.encode(server.username(), StandardCharsets.UTF_8) + "&password="
        + URLEncoder.encode(server.password(), StandardCharsets.UTF_8);
    String answer = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/auth/login"))
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form))
        .build(), HttpResponse.BodyHandlers.ofString()).body();
    return answer.replaceAll(".*\"accessToken\":\"([^\"]+)\".*", "$1");
  }
}

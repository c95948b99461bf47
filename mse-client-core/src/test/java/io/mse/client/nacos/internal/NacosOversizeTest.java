package io.mse.client.nacos.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.mse.client.MseClient;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A publish whose URL-encoded form would exceed what the server's web server reads (2 MiB, or
 * {@code nacos.maxFormBytes}) is refused before any I/O, naming the key, the size and the limit.
 */
class NacosOversizeTest {

  private static final String CONFIGS = "/nacos/v1/cs/configs";
  private static final int LIMIT = 2 * 1024 * 1024;

  @TempDir
  Path snapshots;

  private WireMockServer server;

  @BeforeEach
  void start() {
    server = NacosTestSupport.startWireMock();
    server.stubFor(post(urlPathEqualTo(CONFIGS)).willReturn(aResponse().withStatus(200).withBody("true")));
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  /** The content that makes the form body of a publish of {@code dataId} in group G exactly {@code bytes}. */
  private static String contentFor(String dataId, int bytes) {
    return "x".repeat(bytes - ("dataId=" + dataId + "&group=G&content=").length());
  }

  @Test
  void aFormOverTwoMebibytesIsRefusedBeforeItIsSentAndOneAtTheLimitIsSent() {
    try (MseClient client = NacosTestSupport.builder(server, snapshots).build()) {
      assertThatThrownBy(() -> client.config().publishConfig("big.txt", "G", contentFor("big.txt", LIMIT + 1)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("public/G/big.txt")
          .hasMessageContaining((LIMIT + 1) + " bytes").hasMessageContaining(LIMIT + " bytes")
          .hasMessageContaining("nacos.maxFormBytes");
      server.verify(0, postRequestedFor(urlPathEqualTo(CONFIGS)));

      assertThat(client.config().publishConfig("big.txt", "G", contentFor("big.txt", LIMIT))).isTrue();
      server.verify(1, postRequestedFor(urlPathEqualTo(CONFIGS)));
      assertThat(server.findAll(postRequestedFor(urlPathEqualTo(CONFIGS))).get(0).getBody()).hasSize(LIMIT);
    }
  }

  @Test
  void theEncodedSizeCountsNotTheCharacters() {
    try (MseClient client = NacosTestSupport.builder(server, snapshots).build()) {
      // 400,000 characters, 2.4 MB once URL-encoded (each 'ü' is two UTF-8 bytes, %C3%BC)
      assertThatThrownBy(() -> client.config().publishConfig("wide.txt", "G", "ü".repeat(400_000)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("400000 characters");
      server.verify(0, postRequestedFor(urlPathEqualTo(CONFIGS)));
    }
  }

  @Test
  void theLimitIsASettingForServersThatRaisedTheirs() {
    try (MseClient client = NacosTestSupport.builder(server, snapshots).property("nacos.maxFormBytes", "100").build()) {
      assertThatThrownBy(() -> client.config().publishConfig("small.txt", "G", "x".repeat(100)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("over the 100 bytes");
    }
    try (MseClient client = NacosTestSupport.builder(server, snapshots)
        .property("nacos.maxFormBytes", Integer.toString(4 * LIMIT)).build()) {
      assertThat(client.config().publishConfig("big.txt", "G", contentFor("big.txt", LIMIT + 1))).isTrue();
    }
    assertThatThrownBy(() -> NacosTestSupport.builder(server, snapshots).property("nacos.maxFormBytes", "2MB").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nacos.maxFormBytes '2MB'");
  }
}

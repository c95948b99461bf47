package io.mse.client.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.mse.client.MisconfigurationException;
import io.mse.client.MseClient;
import io.mse.client.naming.Instance;
import io.mse.client.testing.nacos.NacosConformance;
import io.mse.client.testing.nacos.NacosServerTarget;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Misconfiguration against the real servers (read-only for them: nothing is written where the client
 * is misconfigured): a context path where no API answers, and {@code https://} spoken to their plain
 * port, fail at once with a {@link MisconfigurationException} naming the setting, on Nacos 2.5.1 and
 * 3.0.3, with auth on (the login itself fails so, and the client's start with it) and off.
 */
@NacosConformance
@Timeout(120)
class NacosMisconfigurationIT {

  private static final Duration DEADLINE = Duration.ofSeconds(10);

  private final NacosServerTarget server;

  @TempDir
  Path dir;

  NacosMisconfigurationIT(NacosServerTarget server) {
    this.server = server;
  }

  private MseClient.Builder builder(String address) {
    MseClient.Builder builder = server.clientBuilder(dir).serverAddr(address).requestTimeout(DEADLINE);
    return builder;
  }

  @Test
  void aWrongContextPathFailsAtOnceNamingTheContextPathSetting() {
    String address = server.address() + "/no-such-context";
    if (server.auth()) {
      // the login, at build(), meets the web server's 404 page
      MisconfigurationException e = failsBeforeTheDeadline(() -> builder(address).build().close());
      assertThat(e.setting()).isEqualTo("nacos.contextPath");
      assertThat(e).hasMessageContaining("now '/no-such-context'");
      return;
    }
    try (MseClient client = builder(address).build()) {
      MisconfigurationException e = failsBeforeTheDeadline(() -> client.config().getConfig("misconf.properties", "G"));
      assertThat(e.setting()).isEqualTo("nacos.contextPath");
      assertThat(e).hasMessageContaining("/no-such-context").hasMessageContaining("nacos.contextPath");
      failsBeforeTheDeadline(() -> client.config().publishConfig("misconf.properties", "G", "k=v"));
      failsBeforeTheDeadline(() -> client.naming().registerInstance("misconf-svc", Instance.of("127.0.0.1", 7999)));
      failsBeforeTheDeadline(() -> client.naming().getAllInstances("misconf-svc"));
    }
  }

  @Test
  void httpsToThePlainPortFailsAtOnceSayingToUseHttp() {
    String address = "https://" + server.address();
    Throwable thrown = catchThrowable(() -> {
      try (MseClient client = builder(address).build()) {
        client.config().getConfig("misconf.properties", "G");
      }
    });
    assertThat(thrown).isInstanceOf(MisconfigurationException.class).hasMessageContaining("does not speak TLS")
        .hasMessageContaining("use http://");
    assertThat(((MisconfigurationException) thrown).setting()).isEqualTo("serverAddr");
  }

  @Test
  void theRightSettingsWork() {
    try (MseClient client = server.clientBuilder(dir).build()) {
      assertThat(client.config().getConfig("misconf-absent.properties", "G")).isNull();
    }
    assertThatThrownBy(() -> MseClient.builder().serverAddr("ftp://" + server.address()).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ftp://" + server.address());
  }

  private static MisconfigurationException failsBeforeTheDeadline(Runnable call) {
    long started = System.nanoTime();
    Throwable thrown = catchThrowable(call::run);
    assertThat(thrown).isInstanceOf(MisconfigurationException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(DEADLINE);
    return (MisconfigurationException) thrown;
  }
}

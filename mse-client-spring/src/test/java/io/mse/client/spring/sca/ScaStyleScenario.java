package io.mse.client.spring.sca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mse.client.MseClient;
import io.mse.client.naming.Instance;
import io.mse.client.spring.config.CapturedLog;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.boot.Banner;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What an unchanged Spring Cloud Alibaba application does on mse-client, against one server: it
 * starts from its own application.yml (the server given the way such applications take it, through
 * the NACOS_* placeholders), imports its config with {@code nacos:}, registers with what
 * {@code spring.cloud.nacos.discovery.*} says, finds itself through the DiscoveryClient, follows a
 * config change into its {@code @RefreshScope} controller, names each alias once at INFO, and
 * deregisters when it stops.
 */
final class ScaStyleScenario {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String GROUP = "SCA_DEMO";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /**
   * Runs the scenario.
   *
   * @param publisher a client of the same server and namespace, to publish and to look
   * @param address the server address the application is given
   * @param username null for a server without auth
   */
  void run(MseClient publisher, String address, String username, String password, Path snapshots) throws Exception {
    String app = "sca-demo-" + UUID.randomUUID().toString().substring(0, 8);
    String dataId = app + ".yaml";
    publisher.config().publishConfig(dataId, GROUP, "shop:\n  greeting: hello\n");
    // served by a real server only after its dump: the application's required import must find it
    await().atMost(WAIT).until(() -> "shop:\n  greeting: hello\n".equals(
        publisher.config().getConfig(dataId, GROUP, java.time.Duration.ofSeconds(3))));
    List<String> args = new ArrayList<>(List.of("--spring.config.location=optional:classpath:/sca-app/",
        "--APP_NAME=" + app, "--NACOS_SERVER_ADDR=" + address, "--mse.snapshot-dir=" + snapshots.resolve(app)));
    if (username != null) {
      args.add("--NACOS_USERNAME=" + username);
      args.add("--NACOS_PASSWORD=" + password);
    }
    CapturedLog log = new CapturedLog();
    int port;
    try (log; ConfigurableApplicationContext context = new SpringApplicationBuilder(ScaStyleApplication.class)
        .bannerMode(Banner.Mode.OFF).logStartupInfo(false).run(args.toArray(String[]::new))) {
      port = ((WebServerApplicationContext) context).getWebServer().getPort();

      await().atMost(WAIT).untilAsserted(() -> assertThat(publisher.naming().getAllInstances(app, GROUP))
          .singleElement().satisfies(instance -> {
            assertThat(instance.ip()).isEqualTo("127.0.0.1");
            assertThat(instance.port()).isEqualTo(port);
            assertThat(instance.clusterName()).isEqualTo("east");
            assertThat(instance.metadata()).containsEntry("version", "v2");
          }));
      assertThat(get(port, "/peers")).isEqualTo("[\"127.0.0.1:" + port + " v2\"]");
      assertThat(get(port, "/greeting")).isEqualTo("hello");

      publisher.config().publishConfig(dataId, GROUP, "shop:\n  greeting: bonjour\n");
      await().atMost(WAIT).untilAsserted(() -> assertThat(get(port, "/greeting")).isEqualTo("bonjour"));
    } finally {
      publisher.config().removeConfig(dataId, GROUP);
    }
    await().atMost(WAIT).untilAsserted(() -> assertThat(publisher.naming().getAllInstances(app, GROUP)
        .stream().map(Instance::port)).doesNotContain(port));

    for (String alias : List.of("config.server-addr -> mse.server-addr", "config.username -> mse.username",
        "config.password -> mse.password", "config.group -> mse.config.group",
        "config.file-extension -> mse.config.file-extension", "discovery.group -> mse.discovery.group",
        "discovery.cluster-name -> mse.discovery.cluster", "discovery.ip -> mse.discovery.ip",
        "discovery.metadata.* -> mse.discovery.metadata.*")) {
      assertThat(log.count("mse-client reads spring.cloud.nacos." + alias)).as(alias).isEqualTo(1);
    }
    assertThat(log.count("(Spring Cloud Alibaba's prefix) is read as 'mse:'")).isEqualTo(1);
    assertThat(log.toString()).doesNotContain("spring.cloud.nacos.discovery.server-addr ->")
        .doesNotContain("are set to different values");
    if (password != null && !"nacos".contains(password)) {   // a password that is a word of the log proves nothing
      assertThat(log.toString()).doesNotContain(password);
    }
  }

  private String get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }
}

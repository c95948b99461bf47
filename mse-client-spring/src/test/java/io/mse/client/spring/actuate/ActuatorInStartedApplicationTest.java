package io.mse.client.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** The health indicator and the mse endpoint over HTTP in a started application on the embedded engine. */
class ActuatorInStartedApplicationTest {

  @TempDir
  static Path snapshots;

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {}

  private static JsonNode get(HttpClient http, int port, String path) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
    return new ObjectMapper().readTree(response.body());
  }

  @Test
  void healthAndTheMseEndpointShowTheRegisteredApplication() throws Exception {
    String service = "actuated-" + System.nanoTime();
    try (ConfigurableApplicationContext app = new SpringApplicationBuilder(App.class).web(WebApplicationType.SERVLET)
        .registerShutdownHook(false).properties("server.port=0", "spring.application.name=" + service,
            "mse.snapshot-dir=" + snapshots, "management.endpoints.web.exposure.include=health,mse",
            "management.endpoint.health.show-details=always").run()) {
      int port = ((WebServerApplicationContext) app).getWebServer().getPort();
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

      JsonNode health = get(http, port, "/actuator/health");
      assertThat(health.at("/components/mse/status").asText()).isEqualTo("UP");
      assertThat(health.at("/components/mse/details/reachable").asBoolean()).isTrue();

      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        JsonNode mse = get(http, port, "/actuator/mse");
        assertThat(mse.at("/server/address").asText()).isEqualTo("embedded");
        assertThat(mse.at("/registrations/0/service").asText()).isEqualTo(service);
        assertThat(mse.at("/registrations/0/address").asText()).endsWith(":" + port);
        assertThat(mse.at("/registrations/0/metadata/timestamp").asText())
            .isEqualTo(Long.toString(app.getStartupDate()));
        assertThat(mse.at("/governance/ruleDocuments/1/dataId").asText()).isEqualTo(service + ".governance.json");
      });
    }
  }
}

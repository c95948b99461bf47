package io.mse.client.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mse.client.MseClientConfig;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MsePropertiesTest {

  @Test
  void toStringNeverShowsThePassword() {
    MseProperties properties = new MseProperties();
    properties.setUsername("nacos");
    properties.setPassword("s3cret-Pa55");

    assertThat(properties.toString()).contains("username=nacos", "password=******").doesNotContain("s3cret-Pa55");
    assertThat(MseAutoConfiguration.clientConfig(properties, null).toString()).doesNotContain("s3cret-Pa55");
  }

  @Test
  void mapsEveryPropertyOntoTheClientSettings() {
    MseProperties properties = new MseProperties();
    properties.setServerAddr("127.0.0.1:8848");
    properties.setNamespace("staging");
    properties.setUsername("nacos");
    properties.setPassword("s3cret");
    properties.setSnapshotDir(Path.of("/tmp/mse-snapshots"));
    properties.setRequestTimeout(Duration.ofMillis(1500));

    MseClientConfig settings = MseAutoConfiguration.clientConfig(properties, "order-service");

    assertThat(settings.serverAddr()).isEqualTo("127.0.0.1:8848");
    assertThat(settings.namespace()).isEqualTo("staging");
    assertThat(settings.username()).isEqualTo("nacos");
    assertThat(settings.password()).isEqualTo("s3cret");
    assertThat(settings.snapshotDir()).isEqualTo(Path.of("/tmp/mse-snapshots"));
    assertThat(settings.requestTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(settings.applicationName()).isEqualTo("order-service");
  }

  @Test
  void defaultsToTheEmbeddedServerInThePublicNamespaceWithoutApplicationName() {
    MseClientConfig settings = MseAutoConfiguration.clientConfig(new MseProperties(), null);

    assertThat(settings.serverAddr()).isEqualTo("embedded");
    assertThat(settings.namespace()).isEmpty();
    assertThat(settings.requestTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(settings.applicationName()).isNull();
  }

  @Test
  void generatedMetadataDescribesEveryProperty() throws Exception {
    JsonNode metadata;
    try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("generated configuration metadata").isNotNull();
      metadata = new ObjectMapper().readTree(in);
    }
    Map<String, JsonNode> byName = new HashMap<>();
    metadata.get("properties").forEach(property -> byName.put(property.get("name").asText(), property));

    List<String> expected = List.of("mse.enabled", "mse.server-addr", "mse.namespace", "mse.username", "mse.password",
        "mse.snapshot-dir", "mse.request-timeout", "mse.application-name", "mse.discovery.enabled",
        "mse.discovery.group", "mse.config.group", "mse.config.file-extension", "mse.config.refresh-enabled");
    assertThat(byName).containsKeys(expected.toArray(String[]::new));
    expected.forEach(name -> assertThat(byName.get(name).path("description").asText()).as(name).isNotBlank());
    assertThat(byName.get("mse.server-addr").path("defaultValue").asText()).isEqualTo("embedded");
    assertThat(byName.get("mse.enabled").path("defaultValue").asBoolean()).isTrue();
    assertThat(byName.get("mse.request-timeout").path("defaultValue").asText()).isEqualTo("3s");
    assertThat(byName.get("mse.config.group").path("defaultValue").asText()).isEqualTo("DEFAULT_GROUP");
    assertThat(byName.get("mse.config.file-extension").path("defaultValue").asText()).isEqualTo("properties");
    assertThat(byName.get("mse.config.refresh-enabled").path("defaultValue").asBoolean()).isTrue();
  }
}

package io.mse.client.dubbo.nacos;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.mse.client.dubbo.registry.ClientSettings;
import io.mse.client.dubbo.testing.DubboApp;
import io.mse.client.dubbo.testing.Greeter;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins, on the Nacos open API (a WireMock stub on loopback), what real Dubbo applications on
 * {@code mse://} write and read: the service names, groups and metadata keys of Dubbo 3.3.6's
 * dubbo-registry-nacos, the mapping of dubbo-metadata-report-nacos (dataId = interface, group
 * {@code mapping}, written by compare-and-set) and where service definitions go. The other side runs in
 * {@code DubboNacosInteropIT} against real servers with Dubbo's own {@code nacos://}.
 */
class MseNacosWireTest {

  private static final String IFACE = Greeter.class.getName();
  private static final String INSTANCE = "/nacos/v1/ns/instance";
  private static final String CONFIGS = "/nacos/v1/cs/configs";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private WireMockServer nacos;

  @BeforeEach
  void startStub() {
    nacos = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    nacos.start();
    nacos.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().withStatus(404).withBody("not found")));
    nacos.stubFor(post(urlPathEqualTo(INSTANCE)).willReturn(aResponse().withStatus(200).withBody("ok")));
    nacos.stubFor(com.github.tomakehurst.wiremock.client.WireMock.delete(urlPathEqualTo(INSTANCE))
        .willReturn(aResponse().withStatus(200).withBody("ok")));
    nacos.stubFor(put(urlPathEqualTo(INSTANCE + "/beat")).willReturn(aResponse().withStatus(200)
        .withBody("{\"clientBeatInterval\":5000,\"code\":10200,\"lightBeatEnabled\":true}")));
    nacos.stubFor(post(urlPathEqualTo(CONFIGS)).willReturn(aResponse().withStatus(200).withBody("true")));
    nacos.stubFor(post(urlPathEqualTo(CONFIGS + "/listener"))
        .willReturn(aResponse().withStatus(200).withBody("").withFixedDelay(200)));
  }

  @AfterEach
  void stopStub() {
    nacos.stop();
  }

  private Map<String, String> registry(String who) {
    return Map.of(ClientSettings.SNAPSHOT_DIR, dir.resolve(who).toString());
  }

  private String address() {
    return "mse://127.0.0.1:" + nacos.port();
  }

  @Test
  void aProviderWritesWhatDubbosNacosExtensionsWrite() throws Exception {
    int port;
    try (DubboApp provider = DubboApp.named("wire-provider").registry(address(), registry("p")).registerMode("all")
        .provide("p", "1.0.0", null).start()) {
      port = provider.port();

      Map<String, String> interfaceLevel = registration("DEFAULT_GROUP@@providers:" + IFACE + ":1.0.0:");
      assertThat(interfaceLevel).containsEntry("groupName", "DEFAULT_GROUP").containsEntry("ip", "127.0.0.1")
          .containsEntry("port", Integer.toString(port)).containsEntry("ephemeral", "true")
          .containsEntry("clusterName", "DEFAULT").containsEntry("weight", "1.0");
      assertThat(metadata(interfaceLevel)).containsEntry("category", "providers").containsEntry("protocol", "tri")
          .containsEntry("path", IFACE).containsEntry("interface", IFACE).containsEntry("version", "1.0.0")
          .containsEntry("side", "provider").containsEntry("application", "wire-provider")
          .containsEntry("methods", "greet,tags").containsKey("timestamp");

      Map<String, String> applicationLevel = registration("DEFAULT_GROUP@@wire-provider");
      assertThat(applicationLevel).containsEntry("ip", "127.0.0.1").containsEntry("port", Integer.toString(port));
      Map<String, String> appMetadata = metadata(applicationLevel);
      assertThat(appMetadata).containsKeys("dubbo.metadata.revision", "dubbo.metadata-service.url-params")
          .containsEntry("dubbo.metadata.storage-type", "local");
      assertThat(JSON.readTree(appMetadata.get("dubbo.endpoints")).get(0).get("port").asInt()).isEqualTo(port);
      assertThat(JSON.readTree(appMetadata.get("dubbo.endpoints")).get(0).get("protocol").asText()).isEqualTo("tri");

      // the mapping: read (absent here), then written by compare-and-set, "create only if absent"
      await().atMost(Duration.ofSeconds(10)).until(() -> !configWrites(IFACE, "mapping").isEmpty());
      assertThat(nacos.findAll(getRequestedFor(urlPathEqualTo(CONFIGS)).withQueryParam("dataId", equalTo(IFACE))
          .withQueryParam("group", equalTo("mapping")))).isNotEmpty();
      LoggedRequest mapping = configWrites(IFACE, "mapping").get(0);
      assertThat(form(mapping)).containsEntry("content", "wire-provider").doesNotContainKey("tenant");
      assertThat(mapping.getHeader("casMd5")).isEqualTo("00000000000000000000000000000000");

      // the service definition, under Dubbo's unique key in group 'dubbo'
      await().atMost(Duration.ofSeconds(10))
          .until(() -> !configWrites(IFACE + ":1.0.0::provider:wire-provider", "dubbo").isEmpty());
      assertThat(form(configWrites(IFACE + ":1.0.0::provider:wire-provider", "dubbo").get(0)).get("content"))
          .contains("\"canonicalName\":\"" + IFACE + "\"");
    }
    // shutting down deregisters both
    assertThat(nacos.findAll(deleteRequestedFor(urlPathEqualTo(INSTANCE))))
        .extracting(r -> r.queryParameter("serviceName").firstValue())
        .contains("DEFAULT_GROUP@@providers:" + IFACE + ":1.0.0:", "DEFAULT_GROUP@@wire-provider");
    assertThat(port).isPositive();
  }

  @Test
  void aConsumerWithRegisterConsumerUrlIsRegisteredAsDubbosNacosRegistryRegistersIt() throws Exception {
    String service = "DEFAULT_GROUP@@consumers:" + IFACE + ":1.0.0:";
    try (DubboApp consumer = DubboApp.named("wire-consumer").registry(address(), registry("c"))
        .registryParameter("register-consumer-url", "true")
        .consume("greeter", "1.0.0", null, Map.of("migration.step", "FORCE_INTERFACE")).start()) {
      Map<String, String> registration = registration(service);
      assertThat(registration).containsEntry("groupName", "DEFAULT_GROUP").containsEntry("ip", "127.0.0.1")
          .containsEntry("port", "0").containsEntry("ephemeral", "true").containsEntry("clusterName", "DEFAULT")
          .containsEntry("weight", "1.0");
      assertThat(metadata(registration)).containsEntry("side", "consumer").containsEntry("category", "consumers")
          .containsEntry("protocol", "consumer").containsEntry("path", IFACE).containsEntry("interface", IFACE)
          .containsEntry("version", "1.0.0").containsEntry("application", "wire-consumer");
      // its beats name port 0 too (the server answers them as any other: code 10200)
      await().atMost(Duration.ofSeconds(15)).until(() -> nacos.findAll(
          com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor(urlPathEqualTo(INSTANCE + "/beat"))
              .withQueryParam("serviceName", equalTo(service)).withQueryParam("port", equalTo("0"))).size() > 0);
      assertThat(consumer.greeter()).isNotNull();
    }
    assertThat(nacos.findAll(deleteRequestedFor(urlPathEqualTo(INSTANCE)).withQueryParam("serviceName", equalTo(service))))
        .singleElement().satisfies(r -> assertThat(r.queryParameter("port").firstValue()).isEqualTo("0"));
  }

  @Test
  void aConsumerCallsAProviderListedAsDubbosNacosRegistryListsIt() {
    try (DubboApp provider = DubboApp.named("elsewhere").registry("N/A", Map.of()).provide("listed", "1.0.0", null)
        .start()) {
      // metadata as dubbo-registry-nacos 3.3.6 wrote it on a real Nacos 2.5.1 (DubboNacosInteropIT), at this port
      Map<String, String> metadata = new LinkedHashMap<>();
      metadata.put("side", "provider");
      metadata.put("release", "3.3.6");
      metadata.put("methods", "greet,tags");
      metadata.put("deprecated", "false");
      metadata.put("dubbo", "2.0.2");
      metadata.put("interface", IFACE);
      metadata.put("version", "1.0.0");
      metadata.put("generic", "false");
      metadata.put("revision", "1.0.0");
      metadata.put("path", IFACE);
      metadata.put("protocol", "tri");
      metadata.put("application", "it-provider-nacos");
      metadata.put("prefer.serialization", "hessian2,fastjson2");
      metadata.put("dynamic", "true");
      metadata.put("category", "providers");
      metadata.put("timestamp", "1796174571517");
      String service = "DEFAULT_GROUP@@providers:" + IFACE + ":1.0.0:";
      nacos.stubFor(get(urlPathEqualTo(INSTANCE + "/list")).withQueryParam("serviceName", equalTo(service))
          .willReturn(aResponse().withStatus(200).withBody(list(service, provider.port(), metadata))));

      try (DubboApp consumer = DubboApp.named("wire-consumer").registry(address(), registry("c"))
          .consume("greeter", "1.0.0", null, Map.of("migration.step", "FORCE_INTERFACE")).start()) {
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
            .until(() -> consumer.greeter().greet("x").equals("listed:x"));
      }
    }
  }

  private Map<String, String> registration(String groupedName) {
    await().atMost(Duration.ofSeconds(10)).until(() -> nacos.findAll(postRequestedFor(urlPathEqualTo(INSTANCE)))
        .stream().anyMatch(r -> groupedName.equals(form(r).get("serviceName"))));
    return nacos.findAll(postRequestedFor(urlPathEqualTo(INSTANCE))).stream().map(MseNacosWireTest::form)
        .filter(f -> groupedName.equals(f.get("serviceName"))).findFirst().orElseThrow();
  }

  private List<LoggedRequest> configWrites(String dataId, String group) {
    return nacos.findAll(postRequestedFor(urlPathEqualTo(CONFIGS))).stream()
        .filter(r -> dataId.equals(form(r).get("dataId")) && group.equals(form(r).get("group"))).toList();
  }

  private static Map<String, String> metadata(Map<String, String> form) throws Exception {
    return JSON.readValue(form.get("metadata"), new TypeReference<Map<String, String>>() {});
  }

  private static Map<String, String> form(LoggedRequest request) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String pair : request.getBodyAsString().split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      fields.put(key, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return fields;
  }

  /** An instance list shaped like the transcripts of {@code GET /nacos/v1/ns/instance/list}. */
  private static String list(String groupedName, int port, Map<String, String> metadata) {
    try {
      return "{\"name\":\"" + groupedName + "\",\"groupName\":\"DEFAULT_GROUP\",\"clusters\":\"\",\"cacheMillis\":10000,"
          + "\"hosts\":[{\"instanceId\":\"127.0.0.1#" + port + "#DEFAULT#" + groupedName + "\",\"ip\":\"127.0.0.1\","
          + "\"port\":" + port + ",\"weight\":1.0,\"healthy\":true,\"enabled\":true,\"ephemeral\":true,"
          + "\"clusterName\":\"DEFAULT\",\"serviceName\":\"" + groupedName + "\",\"metadata\":"
          + JSON.writeValueAsString(metadata) + ",\"instanceHeartBeatInterval\":5000,\"instanceHeartBeatTimeOut\":15000,"
          + "\"ipDeleteTimeout\":30000}],\"lastRefTime\":1795947464607,\"checksum\":\"\",\"allIPs\":false,"
          + "\"reachProtectionThreshold\":false,\"valid\":true}";
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}

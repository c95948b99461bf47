package io.mse.client.nacos.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.mse.client.MseClient;
import io.mse.client.MseClientConfig;
import io.mse.client.ServerUnavailableException;
import io.mse.client.config.ConfigKey;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several servers with rotation, context paths, https with a custom trust store. */
class NacosConnectionTest {

  private static final ConfigKey KEY = ConfigKey.of("demo.properties", null);

  @TempDir
  Path dir;

  private WireMockServer good;
  private WireMockServer bad;

  @AfterEach
  void stop() {
    if (good != null) {
      good.stop();
    }
    if (bad != null) {
      bad.stop();
    }
  }

  private static String read(MseClientConfig settings) {
    try (NacosTransport transport = NacosEngine.transport(settings)) {
      NacosResponse response = transport.send(NacosRequest.get("/v1/cs/configs",
          Map.of("dataId", KEY.dataId(), "group", KEY.group()), settings.requestTimeout(), KEY.toString()));
      return response.status() + " " + response.body();
    }
  }

  @Test
  void movesOnFromAServerThatRefusesConnectionsOrAnswers503WithinOneDeadline() throws Exception {
    good = NacosTestSupport.startWireMock();
    bad = NacosTestSupport.startWireMock();
    good.stubFor(get(urlPathEqualTo("/nacos/v1/cs/configs")).willReturn(aResponse().withStatus(200).withBody("k=v1")));
    bad.stubFor(get(urlPathEqualTo("/nacos/v1/cs/configs")).willReturn(aResponse().withStatus(503)));
    int dead;
    try (ServerSocket socket = new ServerSocket(0)) {
      dead = socket.getLocalPort();
    }
    String servers = "127.0.0.1:" + dead + ",127.0.0.1:" + bad.port() + ",127.0.0.1:" + good.port();

    for (int i = 0; i < 12; i++) { // each transport starts at a random server
      MseClientConfig settings = MseClient.builder().serverAddr(servers).snapshotDir(dir)
          .requestTimeout(Duration.ofSeconds(3)).toConfig();
      assertThat(read(settings)).isEqualTo("200 k=v1");
    }
    good.verify(12, getRequestedFor(urlPathEqualTo("/nacos/v1/cs/configs")));
  }

  @Test
  void movesOnFromAClusterNodeWhosePeerRefusedItsForwardedNamingRequest() {
    good = NacosTestSupport.startWireMock();
    bad = NacosTestSupport.startWireMock();
    good.stubFor(post(urlPathEqualTo("/nacos/v1/ns/instance")).willReturn(aResponse().withStatus(200).withBody("ok")));
    // what a Nacos node answers when the peer it forwarded the request to holds another view of the cluster
    bad.stubFor(post(urlPathEqualTo("/nacos/v1/ns/instance")).willReturn(aResponse().withStatus(400)
        .withBody("<html><body><h1>HTTP Status 400 – Bad Request</h1><p><b>Message</b> receive invalid redirect"
            + " request from peer 127.0.0.1</p></body></html>")));

    assertThat(register("127.0.0.1:" + bad.port() + ",127.0.0.1:" + good.port())).isEqualTo("200 ok");
    bad.verify(1, postRequestedFor(urlPathEqualTo("/nacos/v1/ns/instance")));
    good.verify(1, postRequestedFor(urlPathEqualTo("/nacos/v1/ns/instance")));
  }

  @Test
  void anyOther400IsTheAnswerAndNotTriedElsewhere() {
    good = NacosTestSupport.startWireMock();
    bad = NacosTestSupport.startWireMock();
    good.stubFor(post(urlPathEqualTo("/nacos/v1/ns/instance")).willReturn(aResponse().withStatus(200).withBody("ok")));
    bad.stubFor(post(urlPathEqualTo("/nacos/v1/ns/instance")).willReturn(aResponse().withStatus(400)
        .withBody("caused: Param 'serviceName' is illegal, illegal characters should not appear in the param.;")));

    assertThat(register("127.0.0.1:" + bad.port() + ",127.0.0.1:" + good.port())).startsWith("400 caused: Param");
    good.verify(0, postRequestedFor(urlPathEqualTo("/nacos/v1/ns/instance")));
  }

  /** Registers through a transport that starts at the first server. */
  private String register(String servers) {
    MseClientConfig settings = MseClient.builder().serverAddr(servers).snapshotDir(dir)
        .requestTimeout(Duration.ofSeconds(3)).toConfig();
    NacosAddress address = NacosAddress.parse(settings.serverAddr(), null);
    try (NacosTransport transport = new NacosTransport(address, NacosHttpClients.client(settings, address),
        settings.ticker(), 0)) {
      NacosResponse response = transport.send(NacosRequest.post("/v1/ns/instance",
          Map.of("serviceName", "DEFAULT_GROUP@@svc", "ip", "127.0.0.1", "port", "8080"), settings.requestTimeout(),
          "DEFAULT_GROUP@@svc"));
      return response.status() + " " + response.body();
    }
  }

  @Test
  void reportsServerUnavailableWhenNoServerAnswers() throws Exception {
    int dead;
    try (ServerSocket socket = new ServerSocket(0)) {
      dead = socket.getLocalPort();
    }
    MseClientConfig settings = MseClient.builder().serverAddr("127.0.0.1:" + dead).snapshotDir(dir)
        .requestTimeout(Duration.ofSeconds(1)).toConfig();

    assertThatThrownBy(() -> read(settings)).isInstanceOf(ServerUnavailableException.class)
        .hasMessageContaining("127.0.0.1:" + dead);
  }

  @Test
  void usesTheContextPathOfThePropertyOrOfTheAddress() {
    good = NacosTestSupport.startWireMock();
    good.stubFor(get(urlPathEqualTo("/custom/v1/cs/configs")).willReturn(aResponse().withStatus(200).withBody("a")));
    good.stubFor(get(urlPathEqualTo("/v1/cs/configs")).willReturn(aResponse().withStatus(200).withBody("root")));

    assertThat(read(MseClient.builder().serverAddr("127.0.0.1:" + good.port()).snapshotDir(dir)
        .property("nacos.contextPath", "/custom").toConfig())).isEqualTo("200 a");
    assertThat(read(MseClient.builder().serverAddr("nacos://127.0.0.1:" + good.port() + "/custom/").snapshotDir(dir)
        .toConfig())).isEqualTo("200 a");
    assertThat(read(MseClient.builder().serverAddr("http://127.0.0.1:" + good.port()).snapshotDir(dir)
        .property("nacos.contextPath", "/").toConfig())).isEqualTo("200 root");
  }

  @Test
  void talksHttpsToASelfSignedServerWithTheConfiguredTrustStoreOnly() throws Exception {
    Path keyStore = dir.resolve("server.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "nacos", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
        "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
        "-keystore", keyStore.toString(), "-storepass", "changeit", "-keypass", "changeit")
        .redirectErrorStream(true).start();
    keytool.getInputStream().readAllBytes();
    assertThat(keytool.waitFor()).isZero();
    Path trustStore = dir.resolve("trust.p12");
    KeyStore server = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keyStore)) {
      server.load(in, "changeit".toCharArray());
    }
    Certificate certificate = server.getCertificate("nacos");
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("nacos", certificate);
    try (OutputStream out = Files.newOutputStream(trustStore)) {
      trust.store(out, "trustpw".toCharArray());
    }
    good = new WireMockServer(options().bindAddress("127.0.0.1").httpDisabled(true).dynamicHttpsPort()
        .keystorePath(keyStore.toString()).keystorePassword("changeit").keyManagerPassword("changeit")
        .keystoreType("PKCS12"));
    good.start();
    good.stubFor(get(urlPathEqualTo("/nacos/v1/cs/configs")).willReturn(aResponse().withStatus(200).withBody("tls")));
    String address = "https://127.0.0.1:" + good.httpsPort();

    MseClientConfig trusted = MseClient.builder().serverAddr(address).snapshotDir(dir)
        .property(NacosTls.TRUST_STORE, trustStore.toString()).property(NacosTls.TRUST_STORE_PASSWORD, "trustpw")
        .property(NacosTls.TRUST_STORE_TYPE, "PKCS12").toConfig();
    assertThat(read(trusted)).isEqualTo("200 tls");
    assertThat(trusted.toString()).doesNotContain("trustpw");

    MseClientConfig untrusted = MseClient.builder().serverAddr(address).snapshotDir(dir)
        .requestTimeout(Duration.ofSeconds(2)).toConfig();
    assertThatThrownBy(() -> read(untrusted)).isInstanceOf(io.mse.client.MisconfigurationException.class)
        .hasMessageContaining("PKIX").hasMessageContaining(NacosTls.TRUST_STORE);

    MseClientConfig missing = MseClient.builder().serverAddr(address).snapshotDir(dir)
        .property(NacosTls.TRUST_STORE, dir.resolve("nope.p12").toString()).toConfig();
    assertThatThrownBy(() -> NacosEngine.transport(missing)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nope.p12");
  }
}

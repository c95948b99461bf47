package io.mse.client.nacos.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.mse.client.MisconfigurationException;
import io.mse.client.MseClient;
import io.mse.client.ServerStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Misconfiguration is not an outage: a fault of the client's settings fails the request at once with a
 * {@link MisconfigurationException} naming the server, the cause and the setting that fixes it,
 * instead of being retried until the deadline and reported as the server being unavailable. Each case
 * against a real TLS or HTTP server on loopback; the request timeout is 10 s, so a request that failed
 * before it did not wait for its deadline.
 */
@Timeout(120)
class NacosMisconfigurationTest {

  private static final Duration DEADLINE = Duration.ofSeconds(10);
  /** What Tomcat (the Nacos servers' web server) answers for a path outside its context. */
  static final String TOMCAT_404 = "<!doctype html><html lang=\"en\"><head><title>HTTP Status 404 – Not Found</title>"
      + "</head><body><h1>HTTP Status 404 – Not Found</h1></body></html>";

  @TempDir
  Path dir;

  private final List<AutoCloseable> servers = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable server : servers) {
      server.close();
    }
  }

  @Test
  void aCertificateTheJvmDoesNotTrustFailsAtOnceNamingTheTrustStoreSetting() throws Exception {
    Tls tls = Tls.create(dir, "ip:127.0.0.1,dns:localhost");
    WireMockServer server = https(tls);
    String address = "https://127.0.0.1:" + server.httpsPort();
    try (MseClient client = client(MseClient.builder().serverAddr(address))) {
      MisconfigurationException e = failsBeforeTheDeadline(() -> client.config().getConfig("a.properties", "G"));
      assertThat(e.setting()).isEqualTo("nacos.tls.trustStore");
      assertThat(e.server()).isEqualTo(address);
      assertThat(e).hasMessageContaining("is not trusted").hasMessageContaining("PKIX")
          .hasMessageContaining("nacos.tls.trustStore").hasMessageContaining(address);
      assertThat(client.serverStatus().reachable()).isFalse();
    }
    // the same server with its certificate in the trust store answers: the fault was the setting
    try (MseClient client = client(MseClient.builder().serverAddr(address).property(NacosTls.TRUST_STORE,
        tls.trustStore.toString()).property(NacosTls.TRUST_STORE_PASSWORD, Tls.PASSWORD))) {
      assertThat(client.config().getConfig("a.properties", "G")).isEqualTo("tls");
    }
  }

  @Test
  void aCertificateForAnotherHostFailsAtOnceAndHostNamesAreVerifiedWithACustomTrustStore() throws Exception {
    Tls tls = Tls.create(dir, "dns:localhost");
    WireMockServer server = https(tls);
    MseClient.Builder trusting = MseClient.builder().property(NacosTls.TRUST_STORE, tls.trustStore.toString())
        .property(NacosTls.TRUST_STORE_PASSWORD, Tls.PASSWORD);
    try (MseClient client = client(trusting.serverAddr("https://127.0.0.1:" + server.httpsPort()))) {
      MisconfigurationException e = failsBeforeTheDeadline(() -> client.config().getConfig("a.properties", "G"));
      assertThat(e.setting()).isEqualTo("serverAddr");
      assertThat(e).hasMessageContaining("does not name the host '127.0.0.1'")
          .hasMessageContaining("No subject alternative names");
    }
    try (MseClient client = client(trusting.serverAddr("https://localhost:" + server.httpsPort()))) {
      assertThat(client.config().getConfig("a.properties", "G")).isEqualTo("tls");
    }
  }

  @Test
  void httpsToAPlainHttpPortFailsAtOnceSayingToUseHttp() throws Exception {
    WireMockServer server = plain();
    try (MseClient client = client(MseClient.builder().serverAddr("https://127.0.0.1:" + server.port()))) {
      MisconfigurationException e = failsBeforeTheDeadline(() -> client.config().getConfig("a.properties", "G"));
      assertThat(e.setting()).isEqualTo("serverAddr");
      assertThat(e).hasMessageContaining("does not speak TLS").hasMessageContaining("use http://");
      assertThat(client.stats().requests(io.mse.client.ClientStats.RequestOutcome.MISCONFIGURED)).isPositive();
      assertThat(client.stats().requests(io.mse.client.ClientStats.RequestOutcome.UNAVAILABLE)).isZero();
    }
  }

  @Test
  void plainHttpToATlsPortFailsAtOnceSayingToUseHttps() throws Exception {
    Tls tls = Tls.create(dir, "ip:127.0.0.1");
    int tlsPort = jdkTlsServer(tls);
    try (MseClient client = client(MseClient.builder().serverAddr("http://127.0.0.1:" + tlsPort))) {
      MisconfigurationException e = failsBeforeTheDeadline(() -> client.config().getConfig("a.properties", "G"));
      assertThat(e.setting()).isEqualTo("serverAddr");
      assertThat(e).hasMessageContaining("did not answer in plain HTTP").hasMessageContaining("use https://");
    }
  }

  @Test
  void tomcatsAnswerToPlainHttpOnItsTlsPortIsAMisconfigurationToo() throws Exception {
    WireMockServer server = plain();
    server.stubFor(any(urlPathMatching("/.*")).willReturn(aResponse().withStatus(400).withHeader("Content-Type",
        "text/plain;charset=UTF-8").withBody("Bad Request\nThis combination of host and port requires TLS.\n")));
    try (MseClient client = client(MseClient.builder().serverAddr("127.0.0.1:" + server.port()))) {
      MisconfigurationException e = failsBeforeTheDeadline(() -> client.config().getConfig("a.properties", "G"));
      assertThat(e.setting()).isEqualTo("serverAddr");
      assertThat(e).hasMessageContaining("use https://");
    }
  }

  @Test
  void aContextPathWhereNoApiAnswersFailsAtOnceNamingTheContextPathSetting() throws Exception {
    WireMockServer server = plain();
    server.stubFor(any(urlPathMatching("/wrong/.*")).willReturn(aResponse().withStatus(404)
        .withHeader("Content-Type", "text/html;charset=utf-8").withBody(TOMCAT_404)));
    try (MseClient client = client(MseClient.builder().serverAddr("127.0.0.1:" + server.port() + "/wrong"))) {
      MisconfigurationException e = failsBeforeTheDeadline(() -> client.config().getConfig("a.properties", "G"));
      assertThat(e.setting()).isEqualTo("nacos.contextPath");
      assertThat(e).hasMessageContaining("No Nacos API answers at http://127.0.0.1:" + server.port() + "/wrong")
          .hasMessageContaining("now '/wrong'");
      failsBeforeTheDeadline(() -> client.config().publishConfig("a.properties", "G", "k=v"));
      failsBeforeTheDeadline(() -> client.naming().registerInstance("svc", "127.0.0.1", 8080));
    }
    // Nacos' own 404 ("config data not exist") is an answer: the config is absent
    try (MseClient client = client(MseClient.builder().serverAddr("127.0.0.1:" + server.port()))) {
      assertThat(client.config().getConfig("absent.properties", "G")).isNull();
    }
  }

  @Test
  void aServerWithAPermanentFaultIsSkippedAndAnotherServerAnswers() throws Exception {
    WireMockServer wrong = plain();
    wrong.stubFor(any(urlPathMatching("/.*")).willReturn(aResponse().withStatus(404).withBody(TOMCAT_404)));
    WireMockServer good = plain();
    String address = "127.0.0.1:" + wrong.port() + ",127.0.0.1:" + good.port();
    for (int i = 0; i < 4; i++) { // whichever server a client starts at
      try (MseClient client = client(MseClient.builder().serverAddr(address))) {
        assertThat(client.config().getConfig("a.properties", "G")).isEqualTo("plain");
      }
    }
  }

  // ---- fixtures

  private MseClient client(MseClient.Builder builder) {
    return builder.snapshotDir(dir.resolve("snapshots")).requestTimeout(DEADLINE).build();
  }

  private static MisconfigurationException failsBeforeTheDeadline(ThrowingCallable call) {
    long started = System.nanoTime();
    Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(call);
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertThat(thrown).isInstanceOf(MisconfigurationException.class);
    assertThat(took).as("a permanent fault is not retried until the deadline").isLessThan(DEADLINE);
    return (MisconfigurationException) thrown;
  }

  private WireMockServer plain() {
    WireMockServer server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    server.start();
    server.stubFor(get(urlPathEqualTo("/nacos/v1/cs/configs")).willReturn(aResponse().withStatus(200).withBody("plain")));
    server.stubFor(get(urlPathEqualTo("/nacos/v1/cs/configs")).withQueryParam("dataId",
            com.github.tomakehurst.wiremock.client.WireMock.equalTo("absent.properties"))
        .willReturn(aResponse().withStatus(404).withBody("config data not exist")));
    servers.add(server::stop);
    return server;
  }

  private WireMockServer https(Tls tls) {
    WireMockServer server = new WireMockServer(options().bindAddress("127.0.0.1").httpDisabled(true).dynamicHttpsPort()
        .keystorePath(tls.keyStore.toString()).keystorePassword(Tls.PASSWORD).keyManagerPassword(Tls.PASSWORD)
        .keystoreType("PKCS12"));
    server.start();
    server.stubFor(get(urlPathEqualTo("/nacos/v1/cs/configs")).willReturn(aResponse().withStatus(200).withBody("tls")));
    servers.add(server::stop);
    return server;
  }

  /** A bare TLS server of the JDK that answers every request 200: what a TLS port does with plain HTTP. */
  private int jdkTlsServer(Tls tls) throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(tls.keyStore)) {
      keys.load(in, Tls.PASSWORD.toCharArray());
    }
    KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(keys, Tls.PASSWORD.toCharArray());
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(factory.getKeyManagers(), null, null);
    SSLServerSocket socket = (SSLServerSocket) context.getServerSocketFactory()
        .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
    servers.add(socket::close);
    Thread acceptor = new Thread(() -> {
      while (!socket.isClosed()) {
        try (Socket connection = socket.accept()) {
          connection.setSoTimeout(5000);
          connection.getInputStream().read(new byte[4096]);
          OutputStream out = connection.getOutputStream();
          out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
          out.flush();
        } catch (IOException e) {
          // a handshake that failed: the next connection
        }
      }
    }, "jdk-tls-server");
    acceptor.setDaemon(true);
    acceptor.start();
    return socket.getLocalPort();
  }

  /** A self-signed server certificate with the given subject alternative names, and a trust store holding it. */
  record Tls(Path keyStore, Path trustStore) {
    static final String PASSWORD = "changeit";

    static Tls create(Path dir, String san) throws Exception {
      Path keyStore = Files.createTempFile(dir, "server", ".p12");
      Files.delete(keyStore);
      Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
          "-genkeypair", "-alias", "nacos", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=nacos-test",
          "-ext", "SAN=" + san, "-validity", "2", "-storetype", "PKCS12",
          "-keystore", keyStore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
          .redirectErrorStream(true).start();
      keytool.getInputStream().readAllBytes();
      assertThat(keytool.waitFor()).isZero();
      KeyStore server = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(keyStore)) {
        server.load(in, PASSWORD.toCharArray());
      }
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("nacos", server.getCertificate("nacos"));
      Path trustStore = Files.createTempFile(dir, "trust", ".p12");
      try (OutputStream out = Files.newOutputStream(trustStore)) {
        trust.store(out, PASSWORD.toCharArray());
      }
      return new Tls(keyStore, trustStore);
    }
  }
}

package io.mse.client.nacos.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.mse.client.MseClient;
import io.mse.client.MseClientConfig;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which TLS context the Nacos HTTP client gets: a plain-http client gets the JVM's default made on first
 * use, which a plain-http exchange never makes (so a client's start-up loads no JSSE class), and which
 * behaves as the default when used; an https client keeps the JVM's default (the custom trust store
 * case is in {@link NacosConnectionTest}).
 */
class NacosHttpClientsTlsTest {

  @TempDir
  Path dir;

  private MseClientConfig settings(String address) {
    return MseClient.builder().serverAddr(address).snapshotDir(dir).toConfig();
  }

  @Test
  void aPlainHttpClientNeverMakesTheDefaultTlsContext() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/nacos/v1/cs/configs", exchange -> {
      byte[] body = "plain".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    try {
      String address = "127.0.0.1:" + server.getAddress().getPort();
      HttpClient client = NacosHttpClients.client(settings(address), NacosAddress.parse(address, null));
      assertThat(client.sslContext()).isInstanceOf(NacosTls.LazyDefaultContext.class);
      HttpResponse<String> answer = client.send(HttpRequest.newBuilder(
          URI.create("http://" + address + "/nacos/v1/cs/configs?dataId=a&group=G")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.body()).isEqualTo("plain");
      assertThat(((NacosTls.LazyDefaultContext) client.sslContext()).resolved()).isFalse();
    } finally {
      server.stop(0);
    }
  }

  @Test
  void anHttpsClientKeepsTheJvmDefaultContext() throws Exception {
    String address = "https://127.0.0.1:1";
    HttpClient client = NacosHttpClients.client(settings(address), NacosAddress.parse(address, null));
    assertThat(client.sslContext()).isSameAs(SSLContext.getDefault());
  }

  @Test
  void theLazyContextBehavesAsTheDefaultOnceUsed() throws Exception {
    NacosTls.LazyDefaultContext lazy = (NacosTls.LazyDefaultContext) NacosTls.lazyDefault();
    assertThat(lazy.resolved()).isFalse();
    SSLContext real = SSLContext.getDefault();
    SSLEngine engine = lazy.createSSLEngine("nacos.example", 443);
    assertThat(lazy.resolved()).isTrue();
    assertThat(engine.getPeerHost()).isEqualTo("nacos.example");
    assertThat(engine.getUseClientMode()).isEqualTo(real.createSSLEngine().getUseClientMode());
    assertThat(List.of(lazy.getDefaultSSLParameters().getProtocols()))
        .isEqualTo(List.of(real.getDefaultSSLParameters().getProtocols()));
    assertThat(List.of(lazy.getDefaultSSLParameters().getCipherSuites()))
        .isEqualTo(List.of(real.getDefaultSSLParameters().getCipherSuites()));
    assertThat(lazy.getSocketFactory()).isInstanceOf(real.getSocketFactory().getClass());
    assertThatThrownBy(() -> lazy.init(null, null, null)).isInstanceOf(UnsupportedOperationException.class);
  }
}

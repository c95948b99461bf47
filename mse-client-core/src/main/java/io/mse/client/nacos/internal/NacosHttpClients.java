package io.mse.client.nacos.internal;

import io.mse.client.MseClientConfig;
import java.net.http.HttpClient;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * Makes the JDK {@link HttpClient} of a Nacos transport: HTTP/1.1, no redirects, the connect timeout
 * of the request timeout, and a direct executor, so that the client starts no thread beyond its
 * selector ({@code HttpClient-<n>-SelectorManager}); the transport's callbacks hop to the caller's
 * executor before doing any work. Stateless and thread-safe.
 */
final class NacosHttpClients {

  private NacosHttpClients() {}

  /** Makes the HTTP client of a transport without TLS settings. */
  static HttpClient defaultClient(Duration requestTimeout) {
    return builder(requestTimeout).build();
  }

  /**
   * Makes the HTTP client for a client's settings and their already parsed {@code address}: for
   * {@code https://} servers the trust store of the {@code nacos.tls.*} properties when one is set
   * (see {@link NacosTls}; host names are verified); when none of the servers is {@code https://}
   * and no trust store is set, the JVM's default TLS context made on first use
   * ({@link NacosTls#lazyDefault()}, never over http), so that no JSSE class is loaded: building the
   * default context (provider, cipher suites, trust store read from disk) takes a good part of a
   * client's start-up.
   *
   * @throws IllegalArgumentException when the trust store cannot be read
   */
  static HttpClient client(MseClientConfig settings, NacosAddress address) {
    HttpClient.Builder builder = builder(settings.requestTimeout());
    SSLContext tls = NacosTls.sslContext(settings);
    if (tls == null && address.servers().stream().noneMatch(server -> server.startsWith("https://"))) {
      // The default context made on first use (never, over http), and parameters given here so that the
      // HTTP client does not ask the context for its defaults: no JSSE class is loaded at all.
      builder.sslContext(NacosTls.lazyDefault()).sslParameters(new SSLParameters());
    } else if (tls != null) {
      builder.sslContext(tls);
    }
    return builder.build();
  }

  private static HttpClient.Builder builder(Duration requestTimeout) {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(requestTimeout)
        .executor(Runnable::run);
  }
}

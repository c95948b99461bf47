package io.mse.client.nacos.internal;

import io.mse.client.MseClientConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Arrays;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * TLS settings of the Nacos engine, from the client's properties:
 * <ul>
 *   <li>{@code nacos.tls.trustStore}: path of a key store holding the certificates to trust (a
 *       self-signed server certificate, a private CA); unset means the JVM's default trust;</li>
 *   <li>{@code nacos.tls.trustStorePassword}: its password; optional (never logged);</li>
 *   <li>{@code nacos.tls.trustStoreType}: {@code PKCS12} (default) or {@code JKS}.</li>
 * </ul>
 * Host names are still verified against the certificate. Stateless and thread-safe.
 */
final class NacosTls {

  static final String TRUST_STORE = "nacos.tls.trustStore";
  static final String TRUST_STORE_PASSWORD = "nacos.tls.trustStorePassword";
  static final String TRUST_STORE_TYPE = "nacos.tls.trustStoreType";

  private NacosTls() {}

  /**
   * Returns a TLS context that trusts nothing, for clients whose servers are all plain
   * {@code http://}: the HTTP client needs one, and the JVM's default would read its trust store.
   */
  static SSLContext plainHttpOnly() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new javax.net.ssl.KeyManager[0], new TrustManager[0], null);
      return context;
    } catch (GeneralSecurityException e) {
      return null; // the default context then
    }
  }

  /**
   * Returns the TLS context that trusts the trust store of {@code settings}, or null when none is set
   * (the JVM's default trust then applies).
   *
   * @throws IllegalArgumentException naming the file when it cannot be read or holds no certificate
   */
  static SSLContext sslContext(MseClientConfig settings) {
    String path = settings.property(TRUST_STORE, null);
    if (path == null || path.isBlank()) {
      return null;
    }
    String type = settings.property(TRUST_STORE_TYPE, "PKCS12");
    String password = settings.property(TRUST_STORE_PASSWORD, null);
    char[] secret = password == null ? null : password.toCharArray();
    try (InputStream in = Files.newInputStream(Path.of(path))) {
      KeyStore store = KeyStore.getInstance(type);
      store.load(in, secret);
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      X509TrustManager trustManager = Arrays.stream(factory.getTrustManagers())
          .filter(X509TrustManager.class::isInstance).map(X509TrustManager.class::cast).findFirst()
          .orElseThrow(() -> new GeneralSecurityException("no X.509 trust manager"));
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {trustManager}, null);
      return context;
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException(TRUST_STORE + " '" + path + "' (type " + type
          + ") cannot be used as a trust store: " + e.getMessage(), e);
    } finally {
      if (secret != null) {
        Arrays.fill(secret, '\0');
      }
    }
  }
}

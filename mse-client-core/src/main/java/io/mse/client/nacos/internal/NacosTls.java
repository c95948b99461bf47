package io.mse.client.nacos.internal;

import io.mse.client.MseClientConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
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
   * Returns a TLS context for clients whose servers are all plain {@code http://}: the JDK HTTP client
   * needs one, and building the JVM's default (the JSSE provider, its cipher suites and the trust store
   * read from disk, some 250 classes) is a large share of a client's start-up. This one is the JVM's
   * default context ({@link SSLContext#getDefault()}) made only when something asks it for a socket,
   * an engine or a session context, which a plain-http client never does; so nothing of JSSE is loaded,
   * and should it be used all the same it behaves as the default. Pair it with explicit
   * {@link javax.net.ssl.SSLParameters} on the builder, or the HTTP client asks it for its default
   * parameters at once. Thread-safe.
   */
  static SSLContext lazyDefault() {
    return new LazyDefaultContext();
  }

  /** The JVM's default TLS context, made on first use; see {@link #lazyDefault()}. */
  static final class LazyDefaultContext extends SSLContext {
    private final LazyDefaultSpi spi;

    LazyDefaultContext() {
      this(new LazyDefaultSpi());
    }

    private LazyDefaultContext(LazyDefaultSpi spi) {
      super(spi, new Provider("mse-lazy-default-tls", "1", "the JVM's default TLS context, made on first use") {
        private static final long serialVersionUID = 1L;
      }, "Default");
      this.spi = spi;
    }

    /** True once the JVM's default context was asked for (something used this one). */
    boolean resolved() {
      return spi.real != null;
    }
  }

  /** Delegates every call to {@link SSLContext#getDefault()}, asked for on the first call. */
  private static final class LazyDefaultSpi extends SSLContextSpi {
    private volatile SSLContext real;

    private SSLContext real() {
      SSLContext context = real;
      if (context == null) {
        try {
          context = SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
          throw new IllegalStateException("the JVM has no default TLS context", e);
        }
        real = context;
      }
      return context;
    }

    @Override
    protected void engineInit(KeyManager[] keys, TrustManager[] trust, SecureRandom random) {
      throw new UnsupportedOperationException("the default TLS context is initialised by the JVM");
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      return real().getSocketFactory();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      return real().getServerSocketFactory();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      return real().createSSLEngine();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      return real().createSSLEngine(host, port);
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      return real().getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      return real().getClientSessionContext();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
      return real().getDefaultSSLParameters();
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
      return real().getSupportedSSLParameters();
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

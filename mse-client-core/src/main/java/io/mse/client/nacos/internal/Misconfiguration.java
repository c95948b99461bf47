package io.mse.client.nacos.internal;

import io.mse.client.MisconfigurationException;
import java.net.ProtocolException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * Tells the permanent faults of an attempt, the ones that come from the client's settings and that no
 * retry can heal, from the transient ones (a refused connection, a timeout, a reset, a 5xx), and words
 * them with the setting that fixes them. Recognized, as the JDK's HTTP client and the servers report
 * them (checked against a JDK TLS server, Jetty and Tomcat):
 * <ul>
 *   <li>a certificate path the trust store cannot build or validate ({@code PKIX path building failed},
 *       an expired certificate): {@code nacos.tls.trustStore};</li>
 *   <li>a certificate that does not name the host ({@code No subject alternative names matching ...},
 *       {@code No name matching ...}): {@code serverAddr};</li>
 *   <li>{@code https://} to a plain port ({@code Unrecognized SSL message, plaintext connection?}):
 *       {@code serverAddr};</li>
 *   <li>plain HTTP to a TLS port: an answer that is not HTTP ({@code Invalid status line}, a TLS record)
 *       or Tomcat's {@code 400 ... This combination of host and port requires TLS.}: {@code serverAddr};</li>
 *   <li>a context path where no API answers: a {@code 404} with a web server's HTML page to a
 *       {@code /v1/} client API that every Nacos line serves (Nacos itself answers those 404s in
 *       plain text or JSON): {@code nacos.contextPath}.</li>
 * </ul>
 * Stateless and thread-safe.
 */
final class Misconfiguration {

  private Misconfiguration() {}

  /**
   * Returns the permanent fault that {@code failure} of an attempt on {@code server} shows, or null when
   * it may be transient.
   */
  static MisconfigurationException of(NacosRequest request, String server, Throwable failure) {
    boolean tls = server.startsWith("https://");
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String message = t.getMessage() == null ? "" : t.getMessage();
      if (t instanceof CertPathBuilderException || t instanceof CertPathValidatorException) {
        String said = failure.getMessage() == null ? message : failure.getMessage(); // "PKIX path building failed: ..."
        return new MisconfigurationException(request.resource(), server, NacosTls.TRUST_STORE,
            "The certificate of " + server + " is not trusted (" + said + "): set " + NacosTls.TRUST_STORE
                + " (with " + NacosTls.TRUST_STORE_PASSWORD + " and " + NacosTls.TRUST_STORE_TYPE
                + ") to a trust store holding the server's certificate or its CA, or give the server a"
                + " certificate the JVM trusts; " + request + " was not retried", failure);
      }
      if (t instanceof CertificateException && (message.startsWith("No subject alternative")
          || message.startsWith("No name matching"))) {
        String host = java.net.URI.create(server).getHost();
        return new MisconfigurationException(request.resource(), server, "serverAddr",
            "The certificate of " + server + " does not name the host '" + host + "' (" + message + "): use in"
                + " serverAddr a host name the certificate names, or give the server a certificate whose subject"
                + " alternative names include '" + host + "'; " + request + " was not retried", failure);
      }
      if (tls && t instanceof SSLException && message.toLowerCase(Locale.ROOT).contains("plaintext connection")) {
        return new MisconfigurationException(request.resource(), server, "serverAddr",
            server + " does not speak TLS (it answered in plain text: " + message + "): use http:// in serverAddr"
                + "; " + request + " was not retried", failure);
      }
      if (!tls && t instanceof ProtocolException && message.startsWith("Invalid status line")) {
        return plainToTls(request, server, message, failure);
      }
    }
    return null;
  }

  /** Returns the permanent fault an answer shows, or null when it is a Nacos answer (good or bad). */
  static MisconfigurationException of(NacosRequest request, String contextPath, NacosResponse response) {
    String body = response.body();
    if (response.status() == 400 && body.contains("requires TLS") && response.server().startsWith("http://")) {
      return plainToTls(request, response.server(), NacosText.abbreviate(body, 120), null);
    }
    if (response.status() == 404 && request.path().startsWith("/v1/") && isWebPage(body)) {
      String path = contextPath.isEmpty() ? "/" : contextPath;
      return new MisconfigurationException(request.resource(), response.server(), "nacos.contextPath",
          "No Nacos API answers at " + response.server() + contextPath + ": " + request.method() + " "
              + contextPath + request.path() + " was answered 404 with a web server's page, not by Nacos. Check"
              + " the context path (now '" + path + "'): the property nacos.contextPath, or the path after the"
              + " host in serverAddr (Nacos' default is /nacos)", null);
    }
    return null;
  }

  private static MisconfigurationException plainToTls(NacosRequest request, String server, String seen,
      Throwable failure) {
    return new MisconfigurationException(request.resource(), server, "serverAddr",
        server + " did not answer in plain HTTP (" + seen + "): it seems to serve TLS on that port; use https://"
            + " in serverAddr (and nacos.tls.trustStore if its certificate is not trusted by the JVM); " + request
            + " was not retried", failure);
  }

  private static boolean isWebPage(String body) {
    String start = body.stripLeading().toLowerCase(Locale.ROOT);
    return start.startsWith("<!doctype html") || start.startsWith("<html");
  }
}

package io.mse.client.spring.loadbalancer;

import java.io.IOException;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.concurrent.Cancellable;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpException;

/**
 * An Apache HttpClient 5 (classic) exec interceptor that lets {@link BlockingCallTimeouts} abort an
 * exchange at its timeout: while the exchange of an attempt runs (until its response's status and
 * headers have arrived) it registers, with {@link BlockingCallTimeouts#abortOnCancel}, the request's
 * {@link Cancellable#cancel()} (Spring's {@code HttpComponentsClientHttpRequestFactory} sends an
 * {@code HttpUriRequestBase}, whose cancellation closes the connection the exchange uses, or stops
 * the lease of one); failing that the exec runtime's. The blocked read then fails and the thread is
 * free. Outside an attempt of {@link BlockingCallTimeouts} it only passes the request on.
 *
 * <p>Spring Boot 4's HttpClient 5 request factories get it through the auto-configured
 * {@code ClientHttpRequestFactoryBuilderCustomizer}; a client built by hand gets it with
 * {@link #install(HttpClientBuilder)}. Stateless and thread-safe.
 */
public final class HttpComponentsAbort implements ExecChainHandler {

  /** The name it is registered under in the exec chain: {@value}. */
  public static final String NAME = "mse-timeout-abort";

  /** Adds an instance first in {@code builder}'s exec chain. */
  public static void install(HttpClientBuilder builder) {
    builder.addExecInterceptorFirst(NAME, new HttpComponentsAbort());
  }

  @Override
  public ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
      throws IOException, HttpException {
    Cancellable exchange = scope.originalRequest instanceof Cancellable cancellable ? cancellable
        : scope.execRuntime instanceof Cancellable cancellable ? cancellable : null;
    if (exchange == null) {
      return chain.proceed(request, scope);
    }
    Runnable unregister = BlockingCallTimeouts.abortOnCancel(exchange::cancel);
    try {
      return chain.proceed(request, scope);
    } finally {
      unregister.run();
    }
  }
}

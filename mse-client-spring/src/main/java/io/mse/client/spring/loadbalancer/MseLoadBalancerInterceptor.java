package io.mse.client.spring.loadbalancer;

import io.mse.client.governance.Governance;
import io.mse.client.governance.GovernedRequest;
import io.mse.client.governance.TagContext;
import io.mse.client.naming.Instance;
import io.mse.client.spring.MseProperties;
import io.mse.client.spring.discovery.MseServiceInstance;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.BlockingLoadBalancerInterceptor;
import org.springframework.cloud.client.loadbalancer.LoadBalancerRequestTransformer;
import org.springframework.cloud.client.loadbalancer.LoadBalancerUriTools;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.support.HttpRequestWrapper;

/**
 * The interceptor of load-balanced {@code RestTemplate}s and {@code RestClient}s: a request to
 * {@code http://inventory-service/orders} runs whole under {@link Governance#call} (under
 * {@link Governance#callCancellable} when a timeout rule applies), so that it is
 * rate limited, routed (by method, path, headers and tag), load balanced over the live instance
 * list (ejected instances left out), sent to the chosen instance, timed against its timeout rule,
 * and retried on another instance per the rules; each attempt's outcome feeds the circuit breaker
 * and outlier detection.
 *
 * <ul>
 *   <li><b>Failures</b>: an {@link IOException} or other exception of the rest of the chain, and a
 *       response with status 5xx. When every attempt failed, the last failed response is returned
 *       (the client then handles it as it always does, e.g. RestClient's {@code retrieve()} throws
 *       its {@code HttpServerErrorException}), or the last exception is thrown. A 4xx response is a
 *       success: the instance answered.
 *   <li><b>Refusals</b> are thrown as they are, unwrapped: {@link io.mse.client.governance.RateLimitedException},
 *       {@link io.mse.client.governance.CircuitOpenException},
 *       {@link io.mse.client.naming.NoInstanceAvailableException}, and
 *       {@link io.mse.client.governance.CallTimeoutException} when the last attempt timed out. (RestClient and RestTemplate pass unchecked exceptions of an interceptor on
 *       unchanged.)
 *   <li><b>Timeouts</b>: with {@link BlockingCallTimeouts} (as auto-configured), a call under a
 *       timeout rule sends each attempt on one of its threads and the caller's wait ends at the
 *       rule's timeout: the attempt is cancelled (its exchange aborted where the request factory
 *       allows, see {@link BlockingCallTimeouts}), recorded as a timeout, and retried per the rules,
 *       else the call fails with {@link io.mse.client.governance.CallTimeoutException}. When no
 *       thread is free within the timeout the call is refused with a
 *       {@link TimeoutThreadsBusyException}, nothing sent or recorded: it never runs uncut (for a
 *       retry, the retry is not sent and nothing recorded against its instance). The timeout
 *       covers the attempt until its response's status and headers have arrived; the body is read
 *       afterwards, bounded by the request factory's read timeout. A call without a timeout rule
 *       runs whole on the caller's thread. Without {@link BlockingCallTimeouts} (the three-argument
 *       constructor) timeouts are measured only: a later response is a timeout (and retried), but
 *       the wait for it is bounded by the request factory's read timeout alone.
 *   <li><b>Retries and idempotency</b>: requests with an idempotent method (GET, HEAD, OPTIONS, PUT,
 *       DELETE, TRACE) are retried after any failure; others only when the connection could not be
 *       made, unless {@code mse.loadbalancer.retry-non-idempotent=true}. The body, buffered by the
 *       client, is sent again on each attempt.
 *   <li><b>Tag</b>: the request's own {@value TagContext#HEADER} header, else
 *       {@link TagContext#current()}; routes match on it and it is sent on (the header is added).
 * </ul>
 *
 * <p>Each attempt continues the rest of the interceptor chain with the request's URI rewritten to
 * the instance ({@code https} when its metadata says {@code secure=true}) and Spring Cloud's
 * {@link LoadBalancerRequestTransformer}s applied. Interceptors after this one run once per attempt
 * and, under a timeout rule, on a thread of {@link BlockingCallTimeouts}, not the caller's. Spring
 * Cloud adds it last to {@code @LoadBalanced RestTemplate} beans (its customizer), but to a
 * {@code @LoadBalanced RestClient.Builder} when the builder bean is made: interceptors the application
 * adds to that builder afterwards (e.g. Spring Security's {@code OAuth2ClientHttpRequestInterceptor})
 * come after it. On that thread they see the caller's context only as far as
 * {@link BlockingCallTimeouts} carries it: with Micrometer's context-propagation library present,
 * the thread-locals of every {@code ThreadLocalAccessor} registered in its {@code ContextRegistry}
 * (Spring Security's {@code SecurityContextHolder}, SLF4J's MDC, Micrometer's observation when their
 * accessors are registered), set around the attempt and restored after it; nothing else (no
 * {@code InheritableThreadLocal}, no {@code RequestContextHolder} unless registered). Thread-safe.
 */
public class MseLoadBalancerInterceptor implements BlockingLoadBalancerInterceptor {

  private final Governance governance;
  private final HttpGovernedRequests requests;
  private final List<LoadBalancerRequestTransformer> transformers;
  private final BlockingCallTimeouts timeouts;

  /**
   * An interceptor that measures timeouts but does not cut the wait short (see the class
   * documentation).
   *
   * @param governance decides and records the calls
   * @param properties the group ({@code mse.discovery.group}) and the {@code mse.loadbalancer.*}
   *     settings, read once here
   * @param transformers Spring Cloud's transformers, applied to each attempt's request in order
   * @throws NullPointerException when an argument is null
   */
  public MseLoadBalancerInterceptor(Governance governance, MseProperties properties,
      List<LoadBalancerRequestTransformer> transformers) {
    this(governance, properties, transformers, null);
  }

  /**
   * @param governance decides and records the calls
   * @param properties the group ({@code mse.discovery.group}) and the {@code mse.loadbalancer.*}
   *     settings, read once here
   * @param transformers Spring Cloud's transformers, applied to each attempt's request in order
   * @param timeouts the threads that let a call under a timeout rule end its wait at the timeout;
   *     nullable: null measures timeouts only. Not closed by this interceptor
   * @throws NullPointerException when {@code governance}, {@code properties} or {@code transformers}
   *     is null
   */
  public MseLoadBalancerInterceptor(Governance governance, MseProperties properties,
      List<LoadBalancerRequestTransformer> transformers, BlockingCallTimeouts timeouts) {
    this.governance = Objects.requireNonNull(governance, "governance");
    this.requests = HttpGovernedRequests.of(properties);
    this.transformers = List.copyOf(transformers);
    this.timeouts = timeouts;
  }

  /**
   * Governs the request, as the class documentation describes.
   *
   * @throws IllegalStateException when the request's URI has no host (the service name)
   * @throws io.mse.client.MseException subtypes: the refusals listed above
   * @throws java.io.InterruptedIOException when the caller's thread is interrupted while it waits for
   *     an attempt under a timeout rule (the attempt is cancelled, the interrupt flag stays set)
   * @throws IOException the last attempt's failure, when every attempt failed with one
   */
  @Override
  public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
      throws IOException {
    GovernedRequest governed = requests.of(request.getMethod().name(), request.getURI(), request.getHeaders(),
        request.getAttributes(), TagContext.current());
    java.time.Duration timeout = timeouts == null ? null : governance.timeoutOf(governed);
    if (timeout != null) {
      return timeouts.call(governance, governed, timeout, instance -> {
        HttpRequest attempt = attemptRequest(request, governed, instance);
        return () -> execution.execute(attempt, body);
      });
    }
    return BlockingGovernedCalls.call(governance, governed,
        instance -> execution.execute(attemptRequest(request, governed, instance), body));
  }

  /** The request of one attempt: to {@code instance}, with the tag header, transformed. */
  private HttpRequest attemptRequest(HttpRequest request, GovernedRequest governed, Instance instance) {
    ServiceInstance target = new MseServiceInstance(governed.service(), instance);
    HttpRequest attempt = new InstanceRequest(request, LoadBalancerUriTools.reconstructURI(target, request.getURI()),
        governed.tag());
    for (LoadBalancerRequestTransformer transformer : transformers) {
      attempt = transformer.transformRequest(attempt, target);
    }
    return attempt;
  }

  /** The request of one attempt: the original one sent to the chosen instance, with the tag header. */
  private static final class InstanceRequest extends HttpRequestWrapper {
    private final URI uri;
    private final HttpHeaders headers;

    InstanceRequest(HttpRequest request, URI uri, String tag) {
      super(request);
      this.uri = uri;
      if (tag != null && !request.getHeaders().containsHeader(TagContext.HEADER)) {
        this.headers = HttpHeaders.copyOf(request.getHeaders());
        this.headers.set(TagContext.HEADER, tag);
      } else {
        this.headers = request.getHeaders();
      }
    }

    @Override
    public URI getURI() {
      return uri;
    }

    @Override
    public HttpHeaders getHeaders() {
      return headers;
    }
  }
}

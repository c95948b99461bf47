package io.mse.client.spring.loadbalancer;

import io.mse.client.governance.Decision;
import io.mse.client.governance.Governance;
import io.mse.client.governance.GovernedRequest;
import io.mse.client.governance.TagContext;
import io.mse.client.spring.MseProperties;
import io.mse.client.spring.discovery.MseServiceInstance;
import java.io.IOException;
import java.net.URI;
import java.util.Objects;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.HttpRequestLoadBalancerRequest;
import org.springframework.cloud.client.loadbalancer.LoadBalancerClient;
import org.springframework.cloud.client.loadbalancer.LoadBalancerRequest;
import org.springframework.cloud.client.loadbalancer.LoadBalancerUriTools;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRequest;

/**
 * Spring Cloud's {@link LoadBalancerClient} over mse-client governance, for code (and libraries)
 * that use the client directly. It replaces Spring Cloud LoadBalancer's
 * {@code BlockingLoadBalancerClient}: choices are made from mse-client's live instance cache, with
 * no copy kept for a while.
 *
 * <ul>
 *   <li>{@link #execute(String, LoadBalancerRequest)} runs the request whole under
 *       {@link Governance#call}: rate limit, route, balance, breaker, timeout, retries on other
 *       instances, outcomes recorded (an exception, or a {@link org.springframework.http.client.ClientHttpResponse} with status 5xx,
 *       is a failure; the last failed response is returned). When the request is an
 *       {@link HttpRequestLoadBalancerRequest} (Spring Cloud's interceptor makes those), its method,
 *       path, headers and tag are routed on, as in {@link MseLoadBalancerInterceptor}; otherwise the
 *       request is named by the service and carries only the tag of {@link TagContext#current()}.
 *   <li>{@link #choose(String)} is a governed choice with no call: it takes a decision (a rate-limit
 *       permit included) and releases it at once, so nothing is recorded for the chosen instance.
 *       Prefer {@code execute}, or the load-balanced clients.
 *   <li>{@link #execute(String, ServiceInstance, LoadBalancerRequest)} calls the instance it is given,
 *       ungoverned.
 * </ul>
 *
 * Refusals ({@link io.mse.client.governance.RateLimitedException},
 * {@link io.mse.client.governance.CircuitOpenException},
 * {@link io.mse.client.naming.NoInstanceAvailableException},
 * {@link io.mse.client.governance.CallTimeoutException}) are thrown as they are. Thread-safe.
 */
public class MseLoadBalancerClient implements LoadBalancerClient {

  private final Governance governance;
  private final HttpGovernedRequests requests;

  /**
   * @param governance decides and records the calls
   * @param properties the group ({@code mse.discovery.group}) and the {@code mse.loadbalancer.*}
   *     settings, read once here
   * @throws NullPointerException when an argument is null
   */
  public MseLoadBalancerClient(Governance governance, MseProperties properties) {
    this.governance = Objects.requireNonNull(governance, "governance");
    this.requests = HttpGovernedRequests.of(properties);
  }

  /**
   * Returns the instance governance chooses for a call to {@code serviceId} now (routes by the
   * current thread's tag), without calling it.
   *
   * @throws io.mse.client.MseException subtypes: a refusal of the decision
   */
  @Override
  public ServiceInstance choose(String serviceId) {
    return choose(serviceId, (Request<?>) null);
  }

  /** As {@link #choose(String)}; Spring Cloud's {@code request} (nullable) is not looked at. */
  @Override
  public <T> ServiceInstance choose(String serviceId, Request<T> request) {
    GovernedRequest governed = GovernedRequest.builder(serviceId).group(requests.group()).tag(TagContext.current())
        .build();
    Decision decision = governance.decide(governed);
    try {
      return new MseServiceInstance(serviceId, decision.instance());
    } finally {
      decision.release();
    }
  }

  /**
   * Runs {@code request} under governance, as the class documentation describes.
   *
   * @throws IOException the last attempt's {@link IOException}, or another checked exception wrapped
   * @throws io.mse.client.MseException subtypes: the refusals of governance
   */
  @Override
  public <T> T execute(String serviceId, LoadBalancerRequest<T> request) throws IOException {
    return BlockingGovernedCalls.call(governance, governedRequest(serviceId, request),
        instance -> request.apply(new MseServiceInstance(serviceId, instance)));
  }

  /**
   * Calls {@code serviceInstance} with {@code request}, ungoverned.
   *
   * @throws IOException the call's {@link IOException}, or another checked exception wrapped
   */
  @Override
  public <T> T execute(String serviceId, ServiceInstance serviceInstance, LoadBalancerRequest<T> request)
      throws IOException {
    try {
      return request.apply(serviceInstance);
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    }
  }

  /** Returns {@code original} with the instance's scheme, host and port (Spring Cloud's rules). */
  @Override
  public URI reconstructURI(ServiceInstance instance, URI original) {
    return LoadBalancerUriTools.reconstructURI(instance, original);
  }

  private GovernedRequest governedRequest(String serviceId, LoadBalancerRequest<?> request) {
    if (request instanceof HttpRequestLoadBalancerRequest<?> http) {
      // The tag header is not added to the request here: Spring Cloud's request sends what it has.
      HttpRequest httpRequest = http.getHttpRequest();
      HttpHeaders headers = httpRequest.getHeaders();
      return requests.build(serviceId, httpRequest.getMethod().name(), httpRequest.getURI(), headers,
          HttpGovernedRequests.uriTemplate(httpRequest.getAttributes()),
          HttpGovernedRequests.tag(headers, TagContext.current()));
    }
    return GovernedRequest.builder(serviceId).group(requests.group()).tag(TagContext.current()).build();
  }
}

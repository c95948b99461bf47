package io.mse.client.spring.loadbalancer;

import io.mse.client.governance.CallTimeoutException;
import io.mse.client.governance.Governance;
import io.mse.client.governance.GovernedRequest;
import io.mse.client.governance.TagContext;
import io.mse.client.naming.Instance;
import io.mse.client.spring.MseProperties;
import io.mse.client.spring.discovery.MseServiceInstance;
import io.mse.client.spring.web.ReactorTagContext;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.LoadBalancerUriTools;
import org.springframework.cloud.client.loadbalancer.reactive.LoadBalancedExchangeFilterFunction;
import org.springframework.cloud.client.loadbalancer.reactive.LoadBalancerClientRequestTransformer;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.ContextView;

/**
 * The filter of load-balanced {@code WebClient}s: a request to {@code http://inventory-service/orders}
 * runs whole under {@link Governance#callAsync}, without blocking: rate limited, routed (method,
 * path, headers, tag), load balanced over the live instance list (ejected instances left out), sent
 * to the chosen instance, cut off at its timeout rule, and retried on another instance per the
 * rules; each attempt's outcome feeds the circuit breaker and outlier detection.
 *
 * <ul>
 *   <li><b>Failures</b>: an error of the exchange (connection refused, reset, timeout...) and a
 *       response with status 5xx. A failed response that is retried has its body released, and so has a
 *       response that comes as (or after) its attempt times out, which governance discards; when
 *       every attempt failed, the last failed response is emitted (so {@code retrieve()} raises its
 *       usual {@code WebClientResponseException}), or the last error signalled. A 4xx response is a
 *       success.
 *   <li><b>Refusals</b> are signalled as they are: {@link io.mse.client.governance.RateLimitedException},
 *       {@link io.mse.client.governance.CircuitOpenException},
 *       {@link io.mse.client.naming.NoInstanceAvailableException}.
 *   <li><b>Timeouts</b>: an attempt whose response (its status and headers) has not arrived within
 *       the timeout rule is cancelled and fails with {@link CallTimeoutException}.
 *   <li><b>Retries and idempotency</b>: as {@link MseLoadBalancerInterceptor}; the request (and its
 *       body inserter) is exchanged again, so a body from a one-shot {@code Publisher} cannot be
 *       retried.
 *   <li><b>Tag</b>: the request's own {@value TagContext#HEADER} header, else the subscriber's
 *       Reactor context ({@link ReactorTagContext}), else {@link TagContext#current()} on the
 *       subscribing thread; routes match on it and the header is added to the request sent.
 *   <li><b>Threads</b>: a service's first call reads the registry once (a blocking wait); that first
 *       subscription per service is moved to Reactor's bounded-elastic scheduler, so an event loop
 *       never waits. Later calls run where they are subscribed; a retry starts on the thread that
 *       completed the failed attempt.
 *   <li><b>Cancellation</b> of the subscription cancels the attempt under way and gives its permits
 *       back; nothing is recorded for it.
 * </ul>
 *
 * <p>Spring Cloud's {@link LoadBalancerClientRequestTransformer}s are applied to each attempt's
 * request. Thread-safe.
 */
public class MseLoadBalancedExchangeFilterFunction implements LoadBalancedExchangeFilterFunction {

  private static final Logger LOG = LoggerFactory.getLogger(MseLoadBalancedExchangeFilterFunction.class);

  private final Governance governance;
  private final HttpGovernedRequests requests;
  private final List<LoadBalancerClientRequestTransformer> transformers;
  /** The services whose first call was made (the registry read); others start on bounded-elastic. */
  private final Set<String> followed = ConcurrentHashMap.newKeySet();

  /**
   * @param governance decides and records the calls
   * @param properties the group ({@code mse.discovery.group}) and the {@code mse.loadbalancer.*}
   *     settings, read once here
   * @param transformers Spring Cloud's transformers, applied to each attempt's request in order
   * @throws NullPointerException when an argument is null
   */
  public MseLoadBalancedExchangeFilterFunction(Governance governance, MseProperties properties,
      List<LoadBalancerClientRequestTransformer> transformers) {
    this.governance = Objects.requireNonNull(governance, "governance");
    this.requests = HttpGovernedRequests.of(properties);
    this.transformers = List.copyOf(transformers);
  }

  /**
   * Governs the exchange, as the class documentation describes. The returned {@code Mono} does its
   * work when subscribed.
   */
  @Override
  public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
    return Mono.deferContextual(context -> {
      GovernedRequest governed = requests.of(request.method().name(), request.url(), request.headers(),
          request.attributes(), ReactorTagContext.current(context));
      String service = governed.service();
      String tag = governed.tag();
      ClientRequest tagged = tag == null || request.headers().containsHeader(TagContext.HEADER) ? request
          : ClientRequest.from(request).header(TagContext.HEADER, tag).build();
      Attempts attempts = new Attempts(service, governed.resource(), tagged, next, governance.timeoutOf(governed),
          context);
      String key = requests.group() + "@@" + service;
      Mono<ClientResponse> call = Mono.fromFuture(() -> {
        CompletableFuture<ClientResponse> future = governance.callAsync(governed, attempts::send);
        followed.add(key);
        return future;
      }, false)
          .doOnNext(attempts::handedOver)
          .onErrorResume(FailedResponse.class, failed -> Mono.justOrEmpty(attempts.takeLast()))
          .doOnError(error -> attempts.releaseLast())   // a timeout may have overtaken a response
          .doOnCancel(attempts::releaseLast);
      return followed.contains(key) ? call : call.subscribeOn(Schedulers.boundedElastic());
    });
  }

  /**
   * The attempts of one exchange. Keeps the response of the latest attempt until it is handed over
   * (a success emitted, the last failed response taken) and releases it otherwise: when the next
   * attempt starts, when the call ends with an error (its timeout may have overtaken that response:
   * governance then discards the attempt's outcome) or is cancelled. A response arriving after its
   * attempt's future was cancelled (at the timeout) is released at once.
   */
  private final class Attempts {
    private final String service;
    private final String resource;
    private final ClientRequest request;
    private final ExchangeFunction next;
    private final Duration timeout;
    private final ContextView context;
    /**
     * The latest attempt's slot: its response not yet handed over nor released, else null. One slot
     * per attempt, so that a late response of an earlier attempt never displaces a later one's.
     */
    private volatile AtomicReference<ClientResponse> last = new AtomicReference<>();

    Attempts(String service, String resource, ClientRequest request, ExchangeFunction next, Duration timeout,
        ContextView context) {
      this.service = service;
      this.resource = resource;
      this.request = request;
      this.next = next;
      this.timeout = timeout;
      this.context = context;
    }

    CompletableFuture<ClientResponse> send(Instance instance) {
      releaseLast();
      AtomicReference<ClientResponse> slot = new AtomicReference<>();
      last = slot;   // attempts follow one another
      ServiceInstance target = new MseServiceInstance(service, instance);
      URI url = LoadBalancerUriTools.reconstructURI(target, request.url());
      ClientRequest attempt = ClientRequest.from(request).url(url).build();
      for (LoadBalancerClientRequestTransformer transformer : transformers) {
        attempt = transformer.transformRequest(attempt, target);
      }
      Mono<ClientResponse> exchange = next.exchange(attempt);
      if (timeout != null) {
        long start = System.nanoTime();
        exchange = exchange.timeout(timeout).onErrorMap(TimeoutException.class, e -> new CallTimeoutException(
            resource, timeout, Duration.ofNanos(System.nanoTime() - start)));
      }
      // Subscribed here rather than turned into a future by the pipeline, so that a failed response
      // is judged outside it: an error raised inside would cancel the exchange and release the body
      // of the response that may be the call's answer.
      CompletableFuture<ClientResponse> outcome = new CompletableFuture<>();
      Disposable subscription = exchange.contextWrite(context).subscribe(response -> {
        slot.set(response);   // kept before the outcome is known, so that the call's end finds it
        boolean taken = response.statusCode().is5xxServerError()
            ? outcome.completeExceptionally(new FailedResponse(response.statusCode().value()))
            : outcome.complete(response);
        if (!taken && slot.compareAndSet(response, null)) {
          release(response);   // the attempt was cancelled (timed out) meanwhile: nobody will read it
        }
      }, outcome::completeExceptionally);
      outcome.whenComplete((response, error) -> {
        if (outcome.isCancelled()) {
          subscription.dispose();
        }
      });
      return outcome;
    }

    ClientResponse takeLast() {
      return last.getAndSet(null);
    }

    /** The call emits {@code response}: it is the caller's now. */
    void handedOver(ClientResponse response) {
      last.compareAndSet(response, null);
    }

    void releaseLast() {
      ClientResponse response = last.getAndSet(null);
      if (response != null) {
        release(response);
      }
    }

    private void release(ClientResponse response) {
      response.releaseBody().subscribe(null, error -> LOG.debug("Releasing an unused response's body failed", error));
    }
  }
}

package io.mse.client.spring.registry;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * A WebFlux {@link WebFilter} that counts each exchange in {@link InFlightRequests} from its
 * subscription to its completion, error or cancellation. Runs first among the web filters
 * ({@link Ordered#HIGHEST_PRECEDENCE}). Thread-safe.
 */
public final class InFlightRequestWebFilter implements WebFilter, Ordered {

  private final InFlightRequests inFlight;

  /**
   * @throws NullPointerException when {@code inFlight} is null
   */
  public InFlightRequestWebFilter(InFlightRequests inFlight) {
    this.inFlight = Objects.requireNonNull(inFlight, "inFlight");
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    return Mono.defer(() -> {
      inFlight.begin();
      AtomicBoolean ended = new AtomicBoolean();
      return chain.filter(exchange).doFinally(signal -> {
        if (ended.compareAndSet(false, true)) {
          inFlight.end();
        }
      });
    });
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }
}

package io.mse.client.spring.web;

import io.mse.client.governance.TagContext;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Keeps the tag of an inbound WebFlux request, its {@value TagContext#HEADER} header, in the Reactor
 * context of the request's pipeline under {@value ReactorTagContext#KEY}, where the load-balanced
 * {@code WebClient} filter finds it for every call the pipeline makes. A request without the header
 * (or with a blank one) leaves the context alone. {@link TagContext} (a thread-local) is set from it
 * only where Reactor's automatic context propagation is on ({@code spring.reactor.context-propagation=auto}
 * with Micrometer context-propagation present: see {@link TagThreadLocalAccessor}). Stateless and
 * thread-safe.
 */
public class MseTagWebFilter implements WebFilter, Ordered {

  /** Where the filter sits: early, before filters that may call other services. */
  public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    String tag = exchange.getRequest().getHeaders().getFirst(TagContext.HEADER);
    if (tag == null || tag.isBlank()) {
      return chain.filter(exchange);
    }
    return chain.filter(exchange).contextWrite(context -> context.put(ReactorTagContext.KEY, tag));
  }

  @Override
  public int getOrder() {
    return ORDER;
  }
}

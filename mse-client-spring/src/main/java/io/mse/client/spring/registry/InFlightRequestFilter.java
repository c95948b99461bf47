package io.mse.client.spring.registry;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.core.Ordered;

/**
 * A servlet {@link Filter} that counts each request in {@link InFlightRequests} from its first filter
 * to its end: when the chain returns, or, for an asynchronous request (a {@code DeferredResult}, a
 * {@code Callable}, a streaming body), when it completes, fails or times out. Runs first among the
 * filters ({@link Ordered#HIGHEST_PRECEDENCE}). Thread-safe.
 */
public final class InFlightRequestFilter implements Filter, Ordered {

  private final InFlightRequests inFlight;

  /**
   * @throws NullPointerException when {@code inFlight} is null
   */
  public InFlightRequestFilter(InFlightRequests inFlight) {
    this.inFlight = Objects.requireNonNull(inFlight, "inFlight");
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (request.getDispatcherType() != jakarta.servlet.DispatcherType.REQUEST) {
      chain.doFilter(request, response);   // an async dispatch or an error page of a request already counted
      return;
    }
    inFlight.begin();
    boolean async = false;
    try {
      chain.doFilter(request, response);
      if (request.isAsyncStarted()) {
        request.getAsyncContext().addListener(new EndOnce(inFlight));
        async = true;
      }
    } finally {
      if (!async) {
        inFlight.end();
      }
    }
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }

  /** Ends an asynchronous request's count once, whichever of its end events comes first. */
  private static final class EndOnce implements AsyncListener {
    private final InFlightRequests inFlight;
    private final AtomicBoolean ended = new AtomicBoolean();

    EndOnce(InFlightRequests inFlight) {
      this.inFlight = inFlight;
    }

    private void end() {
      if (ended.compareAndSet(false, true)) {
        inFlight.end();
      }
    }

    @Override
    public void onComplete(AsyncEvent event) {
      end();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
      end();
    }

    @Override
    public void onError(AsyncEvent event) {
      end();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
      event.getAsyncContext().addListener(this);   // a new async cycle: keep listening
    }
  }
}

package io.mse.client.governance.okhttp;

import io.mse.client.MseException;
import io.mse.client.governance.CallTimeoutException;
import io.mse.client.governance.Governance;
import io.mse.client.governance.GovernedRequest;
import io.mse.client.governance.RetryRule;
import io.mse.client.governance.TagContext;
import io.mse.client.naming.Instance;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;
import okio.AsyncTimeout;

/**
 * An OkHttp application interceptor that governs calls to services by name: a request to
 * {@code http://inventory-service/orders} is rate limited, routed, load balanced, sent to the chosen
 * instance's address, bounded by the resource's timeout, and retried on another instance per the
 * rules, with the tag ({@value TagContext#HEADER}: the request's own, else
 * {@link TagContext#current()}) propagated.
 *
 * <pre>{@code
 * OkHttpClient http = new OkHttpClient.Builder()
 *     .addInterceptor(MseOkHttpInterceptor.builder(client.governance()).build())
 *     .build();
 * }</pre>
 *
 * <p>Which hosts are services: by default, hosts without a dot other than {@code localhost} (set
 * {@link Builder#governedHosts}). The resource is the service name unless
 * {@link Builder#resource} says otherwise. Routes match on every value of a repeated header (a
 * condition holds when any value equals it). A response with status 5xx is a failure (set
 * {@link Builder#failure}); an {@link IOException} is a failure too. When every attempt failed, the
 * last failed response is returned, or the last {@link IOException} thrown (an
 * {@link java.io.InterruptedIOException} when the last attempt timed out). Refusals are thrown as
 * {@link GovernanceRejectedIOException}. Requests with one-shot bodies are not retried.
 *
 * <p>Timeouts (the resource's timeout rule, per attempt): an attempt that a retry may follow gets
 * the timeout as its connect, read and write timeouts, which end a stalled attempt with a
 * {@link java.net.SocketTimeoutException} and leave the OkHttp {@code Call} usable for the retry on
 * another instance. The last attempt the rules allow (the retry rule's {@code maxAttempts}-th, or the
 * first of a request that is not idempotent, which a timeout never lets be retried) is watched
 * instead: if it is still running when its timeout is up, the {@code Call} is
 * {@linkplain okhttp3.Call#cancel() cancelled}, which closes its connection and stops its I/O at once
 * (a cancelled {@code Call} cannot be sent again, hence only the last attempt). Either way the
 * attempt is recorded as timed out and, when no retry follows, {@code execute()} throws an
 * {@link java.io.InterruptedIOException} whose cause is the {@link CallTimeoutException}. A response
 * whose headers arrive in time but later than the timeout by the governance ticker is a failure too.
 * The watch runs on Okio's shared watchdog thread (the one OkHttp's own call timeouts use), never on
 * a thread of ours.
 *
 * <p>Retries and idempotency: requests with an idempotent method ({@code GET, HEAD, OPTIONS, PUT,
 * DELETE, TRACE}) are retried on any failure; others ({@code POST}, {@code PATCH}, ...) only when the
 * connection could not be made (the request was certainly not sent), unless
 * {@link Builder#retryNonIdempotent} says to retry them on any failure too.
 *
 * Register it with {@code addInterceptor} (not as a network interceptor). Thread-safe.
 */
public final class MseOkHttpInterceptor implements Interceptor {

  /** The methods RFC 9110 defines as idempotent. */
  private static final Set<String> IDEMPOTENT_METHODS = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE");

  private final Governance governance;
  private final Predicate<String> governedHosts;
  private final Function<Request, String> resource;
  private final Predicate<Response> failure;
  private final boolean retryNonIdempotent;

  private MseOkHttpInterceptor(Builder b) {
    this.governance = b.governance;
    this.governedHosts = b.governedHosts;
    this.resource = b.resource;
    this.failure = b.failure;
    this.retryNonIdempotent = b.retryNonIdempotent;
  }

  /** Returns a builder over {@code governance}. */
  public static Builder builder(Governance governance) {
    return new Builder(governance);
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request original = chain.request();
    String service = original.url().host();
    if (!governedHosts.test(service)) {
      return chain.proceed(original);
    }
    String tag = original.header(TagContext.HEADER);
    if (tag == null) {
      tag = TagContext.current();
    }
    GovernedRequest.Builder rb = GovernedRequest.builder(service).method(original.method())
        .path(original.url().encodedPath()).tag(tag)
        .idempotent(retryNonIdempotent || IDEMPOTENT_METHODS.contains(original.method()));
    String resourceName = resource.apply(original);
    if (resourceName != null) {
      rb.resource(resourceName);
    }
    for (String name : original.headers().names()) {
      for (String value : original.headers(name)) {
        rb.addHeader(name, value);
      }
    }
    GovernedRequest request = rb.build();
    Request outbound = tag == null ? original : original.newBuilder().header(TagContext.HEADER, tag).build();
    Duration timeout = governance.timeoutOf(request);
    RetryRule retry = governance.retryOf(request);
    int lastAttempt = retry == null || !request.idempotent() ? 1 : retry.maxAttempts();
    Chain bounded = bounded(chain, timeout);
    boolean oneShot = original.body() != null && original.body().isOneShot();
    Attempts attempts = new Attempts(chain, request.resource(), timeout, lastAttempt);
    try {
      Response response = governance.call(request, instance -> attempts.send(bounded, outbound, instance, oneShot));
      attempts.last = null;
      return response;
    } catch (FailedResponse failed) {
      Response response = attempts.last;
      attempts.last = null;
      return response;
    } catch (CallTimeoutException timedOut) {
      java.io.InterruptedIOException e = new java.io.InterruptedIOException(timedOut.getMessage());
      e.initCause(timedOut);
      throw e;
    } catch (MseException rejection) {
      throw new GovernanceRejectedIOException(rejection);
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    } finally {
      attempts.closeLast();
    }
  }

  private static Chain bounded(Chain chain, Duration timeout) {
    if (timeout == null) {
      return chain;
    }
    int ms = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    return chain.withConnectTimeout(ms, TimeUnit.MILLISECONDS).withReadTimeout(ms, TimeUnit.MILLISECONDS)
        .withWriteTimeout(ms, TimeUnit.MILLISECONDS);
  }

  /**
   * The attempts of one call; keeps the last response so that superseded ones are closed, and
   * watches the last attempt the rules allow, cancelling the {@code Call} when it outlives its timeout.
   */
  private final class Attempts {
    final Chain original;
    final String resource;
    final Duration timeout;
    final int lastAttempt;
    Response last;
    int count;

    Attempts(Chain original, String resource, Duration timeout, int lastAttempt) {
      this.original = original;
      this.resource = resource;
      this.timeout = timeout;
      this.lastAttempt = lastAttempt;
    }

    Response send(Chain chain, Request outbound, Instance instance, boolean oneShot) throws IOException, FailedResponse {
      closeLast();
      if (++count > 1 && oneShot) {
        throw new IOException("not retrying " + outbound.method() + " " + outbound.url() + ": its body is one-shot");
      }
      HttpUrl url = outbound.url().newBuilder().host(instance.ip()).port(instance.port()).build();
      Request request = outbound.newBuilder().url(url).build();
      Response response = timeout != null && count >= lastAttempt ? watched(request) : chain.proceed(request);
      last = response;
      if (failure.test(response)) {
        throw new FailedResponse(response.code());
      }
      return response;
    }

    /**
     * Sends the last attempt under a watch that cancels the {@code Call} at the timeout; its own
     * connect/read/write timeouts stay the client's, so that the watch alone decides.
     *
     * @throws CallTimeoutException when the watch cancelled the call
     */
    private Response watched(Request request) throws IOException {
      okhttp3.Call call = original.call();
      AsyncTimeout watch = new AsyncTimeout() {
        @Override
        protected void timedOut() {
          call.cancel();
        }
      };
      watch.timeout(Math.max(1, timeout.toNanos()), TimeUnit.NANOSECONDS);
      long start = System.nanoTime();
      watch.enter();
      Response response = null;
      IOException failure = null;
      try {
        response = original.proceed(request);
      } catch (IOException e) {
        failure = e;
      } finally {
        if (watch.exit()) {
          if (response != null) {
            response.close();
          }
          CallTimeoutException timedOut = new CallTimeoutException(resource, timeout,
              Duration.ofNanos(System.nanoTime() - start));
          if (failure != null) {
            timedOut.addSuppressed(failure);
          }
          throw timedOut;   // recorded by governance as a timeout
        }
      }
      if (failure != null) {
        throw failure;
      }
      return response;
    }

    void closeLast() {
      if (last != null) {
        last.close();
        last = null;
      }
    }
  }

  /** A response that counts as a failure; carries no stack trace. */
  private static final class FailedResponse extends Exception {
    private static final long serialVersionUID = 1L;

    FailedResponse(int code) {
      super("HTTP " + code, null, false, false);
    }
  }

  /** Builds a {@link MseOkHttpInterceptor}. Not thread-safe. */
  public static final class Builder {
    private final Governance governance;
    private Predicate<String> governedHosts = host -> host.indexOf('.') < 0 && host.indexOf(':') < 0
        && !host.equalsIgnoreCase("localhost");
    private Function<Request, String> resource = request -> null;
    private Predicate<Response> failure = response -> response.code() >= 500;
    private boolean retryNonIdempotent;

    private Builder(Governance governance) {
      this.governance = Objects.requireNonNull(governance, "governance");
    }

    /** Sets which URL hosts are service names to govern; others pass through untouched. */
    public Builder governedHosts(Predicate<String> governedHosts) {
      this.governedHosts = Objects.requireNonNull(governedHosts, "governedHosts");
      return this;
    }

    /** Sets the resource name of a request (null: the service name), e.g. {@code r -> host + ":" + r.method()}. */
    public Builder resource(Function<Request, String> resource) {
      this.resource = Objects.requireNonNull(resource, "resource");
      return this;
    }

    /** Sets which responses are failures; default status 500 and above. */
    public Builder failure(Predicate<Response> failure) {
      this.failure = Objects.requireNonNull(failure, "failure");
      return this;
    }

    /**
     * Sets whether requests with a method that is not idempotent (POST, PATCH, ...) are retried on any
     * failure, like idempotent ones; default false: they are retried only when the connection could
     * not be made. Turn it on only when the server deduplicates such requests.
     */
    public Builder retryNonIdempotent(boolean retryNonIdempotent) {
      this.retryNonIdempotent = retryNonIdempotent;
      return this;
    }

    /** Builds the interceptor. */
    public MseOkHttpInterceptor build() {
      return new MseOkHttpInterceptor(this);
    }
  }
}

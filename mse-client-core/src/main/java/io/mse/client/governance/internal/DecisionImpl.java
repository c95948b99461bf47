package io.mse.client.governance.internal;

import io.mse.client.Ticker;
import io.mse.client.governance.CallTimeoutException;
import io.mse.client.governance.Decision;
import io.mse.client.naming.Instance;
import java.time.Duration;

/** The one implementation of {@link Decision}: mutable, reusable once reported. Not thread-safe. */
final class DecisionImpl implements Decision {

  final DefaultGovernance owner;
  private final Ticker ticker;

  ResourcePolicy policy;
  ServiceRuntime service;
  Endpoint endpoint;
  boolean tracked;
  long startNanos;
  boolean open;
  /** Whether the governance was observed ({@link GovernanceStatsView#observed}) when this decision started. */
  boolean observed;
  /** Whether this decision is one of the sampled ones, until its first allowed attempt is timed. */
  boolean timed;

  DecisionImpl(DefaultGovernance owner, Ticker ticker) {
    this.owner = owner;
    this.ticker = ticker;
  }

  void fill(ResourcePolicy policy, ServiceRuntime service, Endpoint endpoint, boolean tracked, long startNanos) {
    this.policy = policy;
    this.service = service;
    this.endpoint = endpoint;
    this.tracked = tracked;
    this.startNanos = startNanos;
    this.open = true;
  }

  @Override
  public Instance instance() {
    if (endpoint == null) {
      throw new IllegalStateException("no decision has been made yet");
    }
    return endpoint.instance;
  }

  @Override
  public String resource() {
    return policy == null ? null : policy.resource;
  }

  @Override
  public long timeoutNanos() {
    return policy == null ? 0 : policy.timeoutNanos;
  }

  @Override
  public long elapsedNanos() {
    return ticker.read() - startNanos;
  }

  @Override
  public CallTimeoutException onSuccess() {
    if (!open) {
      return null;
    }
    ResourcePolicy p = policy;
    // Only a breaker (slow calls), a timeout and an error-rate window use the call's end: without
    // them, save the ticker read (a window added concurrently may then count this call at its start).
    long now = p.breaker != null || p.timeoutNanos > 0 || endpoint.window != null ? ticker.read() : startNanos;
    long duration = now - startNanos;
    if (p.timeoutNanos > 0 && duration > p.timeoutNanos) {
      CallTimeoutException timeout = new CallTimeoutException(p.resource, p.timeout, Duration.ofNanos(duration));
      fail(timeout, now, duration);
      return timeout;
    }
    open = false;
    if (p.bulkhead != null) {
      p.bulkhead.release();
    }
    if (p.breaker != null) {
      p.breaker.onSuccess(duration);
    }
    if (tracked) {
      endpoint.outstanding.decrementAndGet();
    }
    service.recordSuccess(endpoint, now);
    p.counters.successes.increment();
    return null;
  }

  /**
   * Reports that the call outlived its timeout and was cancelled (or abandoned): recorded as a failure
   * with the returned {@link CallTimeoutException}, as a late success is. Call only while open.
   */
  CallTimeoutException timedOut() {
    ResourcePolicy p = policy;
    long now = ticker.read();
    long duration = Math.max(now - startNanos, p.timeoutNanos);   // the wait was in real time
    CallTimeoutException timeout = new CallTimeoutException(p.resource, p.timeout, Duration.ofNanos(duration));
    fail(timeout, now, duration);
    return timeout;
  }

  @Override
  public void onError(Throwable error) {
    if (!open) {
      return;
    }
    long now = ticker.read();
    fail(error, now, now - startNanos);
  }

  private void fail(Throwable error, long now, long duration) {
    open = false;
    ResourcePolicy p = policy;
    if (p.bulkhead != null) {
      p.bulkhead.release();
    }
    if (p.breaker != null) {
      p.breaker.onError(duration, error);
    }
    if (tracked) {
      endpoint.outstanding.decrementAndGet();
    }
    service.recordFailure(endpoint, now);
    if (error instanceof CallTimeoutException) {
      p.counters.timeouts.increment();
    } else {
      p.counters.errors.increment();
    }
  }

  @Override
  public void release() {
    if (!open) {
      return;
    }
    open = false;
    if (policy.bulkhead != null) {
      policy.bulkhead.release();
    }
    if (policy.breaker != null) {
      policy.breaker.releasePermission();
    }
    if (tracked) {
      endpoint.outstanding.decrementAndGet();
    }
  }
}

package io.mse.client.governance.internal;

import io.mse.client.Ticker;
import io.mse.client.governance.CandidateRouter;
import io.mse.client.governance.CandidateSelection;
import io.mse.client.governance.Decision;
import io.mse.client.governance.GovernedRequest;
import io.mse.client.naming.Instance;
import java.util.List;
import java.util.Objects;

/**
 * The {@link CandidateRouter} of {@link DefaultGovernance}: a candidate-mode {@link ServiceRuntime}
 * (its own endpoints and outlier statistics, the service's rules) whose tables' pools carry their
 * {@link Selection}s, so that routing a request is the runtime's usual route match and weighted
 * destination choice, returning a prepared selection. Thread-safe.
 */
final class CandidateRouterImpl implements CandidateRouter {

  private final DefaultGovernance owner;
  private final FollowedServices services;
  private final ServiceRuntime runtime;
  private final Ticker ticker;
  private volatile boolean closed;

  CandidateRouterImpl(DefaultGovernance owner, FollowedServices services, ServiceRuntime runtime, Ticker ticker) {
    this.owner = owner;
    this.services = services;
    this.runtime = runtime;
    this.ticker = ticker;
  }

  @Override
  public String service() {
    return runtime.service;
  }

  @Override
  public long setCandidates(List<Instance> candidates) {
    Objects.requireNonNull(candidates, "candidates");
    checkOpen();
    return runtime.setCandidates(candidates);
  }

  @Override
  public CandidateSelection route(GovernedRequest request) {
    RouteTable table = current();
    Pool pool = table.select(request);
    return pool == null ? table.none : pool.selection;
  }

  @Override
  public CandidateSelection available() {
    return current().all.selection;
  }

  /** Returns the runtime's table, readmitting first the candidates whose ejection is over. */
  private RouteTable current() {
    checkOpen();
    RouteTable table = runtime.table;
    if (table.nextEventNanos != Long.MAX_VALUE) {
      long now = ticker.read();
      if (now >= table.nextEventNanos) {
        runtime.onTimer(now);
        table = runtime.table;
      }
    }
    return table;
  }

  @Override
  public Decision decide(GovernedRequest request, String host, int port) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(host, "host");
    checkOpen();
    return owner.decideOn(request, runtime, host, port);
  }

  @Override
  public List<Instance> ejectedInstances() {
    return runtime.ejected();
  }

  @Override
  public void close() {
    closed = true;
    services.forget(runtime);
  }

  private void checkOpen() {
    owner.checkOpen();
    if (closed) {
      throw new IllegalStateException("the candidate router of '" + runtime.service + "' is closed");
    }
  }

  @Override
  public String toString() {
    return "CandidateRouter[" + runtime.service + "]";
  }
}

package io.mse.client.dubbo.governance;

import io.mse.client.governance.CandidateRouter;
import io.mse.client.governance.CandidateSelection;
import io.mse.client.governance.GovernedRequest;
import io.mse.client.naming.Instance;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.common.utils.Holder;
import org.apache.dubbo.rpc.Invocation;
import org.apache.dubbo.rpc.Invoker;
import org.apache.dubbo.rpc.RpcException;
import org.apache.dubbo.rpc.cluster.router.RouterSnapshotNode;
import org.apache.dubbo.rpc.cluster.router.state.AbstractStateRouter;
import org.apache.dubbo.rpc.cluster.router.state.BitList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes a reference's invokers by the governance rules of its interface: each invoker is a
 * candidate {@link Instance} (the provider's host and port; its URL parameters as metadata, the
 * labels route subsets match: {@code version}, {@code dubbo.tag}, {@code remote.application}, any
 * parameter the provider set), given to a {@link CandidateRouter} on each change of the list; a call
 * keeps the invokers of the selection its request gets (the first matching route's destination
 * chosen by weight, ejected providers left out). Then:
 * <ul>
 *   <li>if Dubbo's earlier routers (or its invalid-invoker filter) left none of the selection, a
 *       route with the {@code FAIL} fallback leaves the call without provider (Dubbo's "No provider
 *       available", {@link RpcException#NO_INVOKER_AVAILABLE_AFTER_FILTER}), any other falls back to
 *       the invokers not ejected, else all of them;
 *   <li>providers whose attempt of this call already failed are left out when others remain (mse
 *       retries go to another provider).
 * </ul>
 * The candidate router is left on the invocation for the per-attempt filter, so outcomes feed this
 * router's outlier detection. Until a governance is installed, every invoker passes. Thread-safe;
 * {@link #notify} and routes of one chain never overlap (Dubbo locks the chain).
 */
final class MseStateRouter<T> extends AbstractStateRouter<T> {

  private static final Logger LOG = LoggerFactory.getLogger(MseStateRouter.class);
  /** The most bit lists kept for prepared selections before the cache is emptied. */
  private static final int MAX_CACHED_SELECTIONS = 64;

  private final GovernanceHolder holder;
  private final String service;
  private final Invocations invocations = new Invocations();
  /** The list last notified and its candidates (null when an invoker cannot be one). */
  private volatile List<Invoker<T>> origin = List.of();
  private volatile List<Instance> candidates = List.of();
  private volatile Bound<T> bound;
  /** The invokers of each prepared selection, made on first use. */
  private final ConcurrentHashMap<CandidateSelection, BitList<Invoker<T>>> selected = new ConcurrentHashMap<>();

  /** A candidate router holding a list: the installation it belongs to, the list and its generation. */
  private record Bound<T>(CandidateRouter router, long installation, List<Invoker<T>> origin, long generation) {}

  MseStateRouter(URL url) {
    super(url);
    this.holder = GovernanceHolder.of(moduleModel);
    this.service = url.getServiceInterface();
  }

  @Override
  public void notify(BitList<Invoker<T>> invokers) {
    List<Invoker<T>> list = invokers.getOriginList();
    List<Instance> made = new ArrayList<>(list.size());
    for (Invoker<T> invoker : list) {
      Instance instance = candidate(invoker.getUrl());
      if (instance == null) {
        made = null;
        break;
      }
      made.add(instance);
    }
    synchronized (this) {
      origin = list;
      candidates = made;
      selected.clear();
      Bound<T> b = bound;
      GovernanceHolder.Installed installed = holder.installed();
      if (b != null && installed != null && b.installation == installed.generation()) {
        bound = bind(b.router, installed.generation());
      }
    }
  }

  /** Returns the candidate of an invoker; null when its address cannot make one (an injvm reference). */
  private Instance candidate(URL url) {
    try {
      return Instance.builder().ip(url.getHost()).port(url.getPort()).metadata(url.getParameters()).build();
    } catch (IllegalArgumentException e) {
      LOG.debug("Not routing '{}' by governance rules: invoker {} is no candidate ({})", service, url.getAddress(),
          e.getMessage());
      return null;
    }
  }

  @Override
  protected BitList<Invoker<T>> doRoute(BitList<Invoker<T>> invokers, URL url, Invocation invocation,
      boolean needToPrintMessage, Holder<RouterSnapshotNode<T>> nodeHolder, Holder<String> messageHolder)
      throws RpcException {
    GovernanceHolder.Installed installed = holder.installed();
    if (installed == null || invocation == null || invokers.isEmpty()) {
      return invokers;
    }
    BitList<Invoker<T>> result;
    CandidateSelection selection = null;
    try {
      Bound<T> b = current(installed);
      if (b.generation < 0 || invokers.getOriginList() != b.origin) {
        result = invokers;   // no candidates (an injvm invoker), or a list this router was not notified of
      } else {
        invocation.put(Invocations.ROUTER, b.router);
        selection = b.router.route(request(url, invocation));
        result = selection.generation() != b.generation ? invokers : narrow(invokers, selection, b);
      }
    } catch (IllegalStateException closed) {
      holder.closedGovernance(closed);
      return invokers;
    }
    result = withoutFailed(result, invocation);
    if (needToPrintMessage || LOG.isDebugEnabled()) {
      String message = "mse governance " + (selection == null ? "did not route" : "selected " + selection)
          + "; " + result.size() + " of " + invokers.size() + " invokers left";
      LOG.debug("'{}': {}", service, message);
      if (needToPrintMessage) {
        messageHolder.set(message);
      }
    }
    return result;
  }

  private GovernedRequest request(URL url, Invocation invocation) {
    GovernedRequest request = (GovernedRequest) invocation.get(Invocations.REQUEST);
    if (request == null) {   // the cluster filter is off
      request = invocations.consumer(url, invocation, Invocations.outboundTag(invocation));
      invocation.put(Invocations.REQUEST, request);
    }
    return request;
  }

  /** Returns the bound candidate router of the installed governance, binding a new one when it changed. */
  private Bound<T> current(GovernanceHolder.Installed installed) {
    Bound<T> b = bound;
    if (b != null && b.installation == installed.generation()) {
      return b;
    }
    synchronized (this) {
      b = bound;
      if (b == null || b.installation != installed.generation()) {
        if (b != null) {
          b.router.close();
        }
        b = bind(installed.governance().candidateRouter(service), installed.generation());
        bound = b;
      }
      return b;
    }
  }

  // guarded by this
  private Bound<T> bind(CandidateRouter router, long installation) {
    List<Instance> list = candidates;
    long generation = list == null ? -1 : router.setCandidates(list);
    return new Bound<>(router, installation, origin, generation);
  }

  private BitList<Invoker<T>> narrow(BitList<Invoker<T>> invokers, CandidateSelection selection, Bound<T> b) {
    if (selection.isAll()) {
      return invokers;
    }
    BitList<Invoker<T>> narrowed = invokers.clone().and(invokersOf(selection, b));
    if (!narrowed.isEmpty() || selection.strict()) {
      return narrowed;
    }
    CandidateSelection available = b.router.available();
    if (available.isAll() || available.generation() != b.generation) {
      return invokers;
    }
    narrowed = invokers.clone().and(invokersOf(available, b));
    return narrowed.isEmpty() ? invokers : narrowed;
  }

  /** The invokers of a selection, as a bit list over the notified list (made once per selection). */
  private BitList<Invoker<T>> invokersOf(CandidateSelection selection, Bound<T> b) {
    BitList<Invoker<T>> bits = selected.get(selection);
    if (bits == null) {
      bits = new BitList<>(b.origin, true);
      for (int i = 0; i < selection.size(); i++) {
        bits.addIndex(selection.candidate(i));
      }
      if (selected.size() >= MAX_CACHED_SELECTIONS) {
        selected.clear();
      }
      selected.put(selection, bits);
    }
    return bits;
  }

  /** Leaves out the providers whose attempt of this call failed, when others remain. */
  private static <T> BitList<Invoker<T>> withoutFailed(BitList<Invoker<T>> invokers, Invocation invocation) {
    List<String> failed = Invocations.failedProviders(invocation);
    if (failed == null || invokers.size() <= 1) {
      return invokers;
    }
    BitList<Invoker<T>> others = invokers.clone();
    others.removeIf(invoker -> failed.contains(invoker.getUrl().getAddress()));
    return others.isEmpty() ? invokers : others;
  }

  @Override
  public synchronized void stop() {
    Bound<T> b = bound;
    bound = null;
    if (b != null) {
      b.router.close();
    }
  }

  @Override
  protected String doBuildSnapshot() {
    Bound<T> b = bound;
    return "MseStateRouter of '" + service + "': " + (b == null ? "no governance bound" : b.router) + "\n";
  }
}

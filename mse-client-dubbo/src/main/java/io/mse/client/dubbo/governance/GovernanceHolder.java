package io.mse.client.dubbo.governance;

import io.mse.client.governance.CandidateRouter;
import io.mse.client.governance.Governance;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.dubbo.common.resource.Disposable;
import org.apache.dubbo.rpc.model.ApplicationModel;
import org.apache.dubbo.rpc.model.ScopeModel;
import org.apache.dubbo.rpc.model.ScopeModelUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The governance installed in one Dubbo application, a bean of its {@link ApplicationModel}'s bean
 * factory that every filter and router of the application finds once: a call reads one volatile
 * field. Also keeps, per service, the candidate router a consumer attempt reports to when the mse
 * router did not route it (the router turned off), closed when the governance changes or the
 * application is destroyed. Thread-safe.
 */
final class GovernanceHolder implements Disposable {

  private static final Logger LOG = LoggerFactory.getLogger(GovernanceHolder.class);

  private volatile Installed installed;
  private final AtomicBoolean warnedClosed = new AtomicBoolean();

  /**
   * A governance with the number of its installation, so that routers see a replacement, and what to
   * close when it goes (null when the caller owns it).
   */
  record Installed(Governance governance, long generation,
      ConcurrentHashMap<String, CandidateRouter> unrouted, AutoCloseable owned) {}

  /** Returns the holder of {@code model}'s application, making it on first use. */
  static GovernanceHolder of(ScopeModel model) {
    ApplicationModel application = ScopeModelUtil.getApplicationModel(model);
    return application.getBeanFactory().getOrRegisterBean(GovernanceHolder.class, type -> new GovernanceHolder());
  }

  /** Returns the installed governance; null when none. */
  Governance governance() {
    Installed i = installed;
    return i == null ? null : i.governance;
  }

  /** Returns the installation in force; null when none. */
  Installed installed() {
    return installed;
  }

  /**
   * Installs {@code governance} (null: none), returning the previous one; a previous one installed
   * automatically is closed (with what it held).
   */
  synchronized Governance install(Governance governance) {
    return replace(governance, null);
  }

  /**
   * Installs the governance {@code automatic} makes, owned by this holder (closed when replaced or
   * when the application is destroyed), unless a governance is installed already. Returns true when
   * it installed one.
   */
  synchronized boolean installAutomatically(Supplier<AutomaticGovernance.Made> automatic) {
    if (installed != null) {
      return false;
    }
    AutomaticGovernance.Made made = automatic.get();
    if (made == null) {
      return false;
    }
    replace(made.governance(), made);
    return true;
  }

  /** Returns true when the installed governance was installed automatically. */
  synchronized boolean automatic() {
    return installed != null && installed.owned != null;
  }

  private Governance replace(Governance governance, AutoCloseable owned) {
    Installed previous = installed;
    installed = governance == null ? null : new Installed(governance, previous == null ? 1 : previous.generation + 1,
        new ConcurrentHashMap<>(), owned);
    warnedClosed.set(false);
    if (previous != null) {
      closeAll(previous);
    }
    LOG.info("mse governance {} in this Dubbo application", governance == null ? "uninstalled"
        : owned == null ? "installed" : "installed automatically from the mse:// registry's client");
    return previous == null ? null : previous.governance;
  }

  /**
   * Returns the candidate router of {@code service} that attempts report to when no mse router
   * routed them: it has no candidates, so their outcomes feed breakers and counters only.
   */
  CandidateRouter unroutedRouter(Installed in, String service) {
    return in.unrouted.computeIfAbsent(service, in.governance::candidateRouter);
  }

  /**
   * Notes that the installed governance refused a call because it is closed: the call goes on
   * ungoverned; WARN once per installation.
   */
  void closedGovernance(IllegalStateException e) {
    if (warnedClosed.compareAndSet(false, true)) {
      LOG.warn("The mse governance installed in this Dubbo application is closed ({}); calls pass ungoverned until"
          + " MseDubboGovernance.install or uninstall", e.getMessage());
    }
  }

  @Override
  public synchronized void destroy() {
    Installed previous = installed;
    installed = null;
    if (previous != null) {
      closeAll(previous);
    }
  }

  private static void closeAll(Installed in) {
    in.unrouted.values().forEach(CandidateRouter::close);
    in.unrouted.clear();
    if (in.owned != null) {
      try {
        in.owned.close();
      } catch (Exception e) {
        LOG.warn("Could not close the automatically installed mse governance: {}", e.toString());
      }
    }
  }
}

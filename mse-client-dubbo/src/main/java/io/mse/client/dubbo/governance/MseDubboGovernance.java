package io.mse.client.dubbo.governance;

import io.mse.client.governance.Governance;
import io.mse.client.governance.TagContext;
import java.util.Objects;
import org.apache.dubbo.common.constants.CommonConstants;
import org.apache.dubbo.rpc.model.ApplicationModel;

/**
 * Installs the {@link Governance} whose rules mse-client's Dubbo extensions apply in one Dubbo
 * application, and names their keys. The extensions ({@link MseClusterFilter}, {@link MseFilter},
 * {@link MseStateRouterFactory}, all named {@value #EXTENSION_NAME}) are active by default once
 * mse-client-dubbo is on the class path; until a governance is installed they only propagate the tag
 * and otherwise let every call through untouched.
 *
 * <pre>{@code
 * MseClient client = MseClient.builder().serverAddr("127.0.0.1:8848").applicationName("order-service").build();
 * MseDubboGovernance.install(applicationModel, client.governance());   // before or after DubboBootstrap.start()
 * }</pre>
 *
 * <p>The governance stays owned by the caller: {@link #uninstall} does not close it, and a closed
 * governance that is still installed lets calls through (with one WARN). Thread-safe.
 */
public final class MseDubboGovernance {

  /** The name of the filters and the router: {@value}; {@code filter="-mse"} or {@code router="-mse"} turns them off. */
  public static final String EXTENSION_NAME = "mse";

  /**
   * The attachment that carries the tag between Dubbo services: {@value}, Dubbo's own, so that
   * Dubbo's tag router and tag rules see the same tag.
   */
  public static final String TAG_ATTACHMENT = CommonConstants.TAG_KEY;

  /**
   * The attachment a provider also reads the tag from when {@value CommonConstants#TAG_KEY} is absent:
   * {@value}, the header of mse-client's HTTP adapters (a triple call from an HTTP client carries it).
   */
  public static final String MSE_TAG_ATTACHMENT = TagContext.HEADER;

  /**
   * A consumer parameter (reference- or method-level, boolean, default false): {@value}. True counts a
   * business exception (one the provider's method threw) as a failure for circuit breakers and
   * outlier detection; by default it is a success, the provider having worked.
   */
  public static final String BIZ_FAILURE_KEY = "mse.biz-failure";

  /**
   * A consumer parameter (reference- or method-level, boolean, default true): {@value}. False makes
   * mse-client's retries retry the method only after a failure showing the request was never sent.
   */
  public static final String IDEMPOTENT_KEY = "mse.idempotent";

  private MseDubboGovernance() {}

  /**
   * Makes {@code governance} the one applied in {@code application}, replacing any installed before;
   * calls already started finish with the one they started with. Takes effect at once, also for
   * references and services already exported.
   *
   * @throws NullPointerException when an argument is null
   */
  public static void install(ApplicationModel application, Governance governance) {
    Objects.requireNonNull(governance, "governance");
    GovernanceHolder.of(Objects.requireNonNull(application, "application")).install(governance);
  }

  /** Installs {@code governance} in Dubbo's default application ({@link ApplicationModel#defaultModel()}). */
  public static void install(Governance governance) {
    install(ApplicationModel.defaultModel(), governance);
  }

  /**
   * Stops applying governance in {@code application} (calls then pass untouched, the tag still
   * propagated) and returns the governance that was installed, not closed; null when none was.
   */
  public static Governance uninstall(ApplicationModel application) {
    return GovernanceHolder.of(Objects.requireNonNull(application, "application")).install(null);
  }

  /** Returns the governance installed in {@code application}; null when none is. */
  public static Governance installed(ApplicationModel application) {
    return GovernanceHolder.of(Objects.requireNonNull(application, "application")).governance();
  }
}

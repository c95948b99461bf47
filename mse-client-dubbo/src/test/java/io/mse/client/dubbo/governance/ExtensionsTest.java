package io.mse.client.dubbo.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.mse.client.governance.Governance;
import io.mse.client.governance.GovernanceRules;
import io.mse.client.governance.GovernedRequest;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.rpc.Filter;
import org.apache.dubbo.rpc.cluster.filter.ClusterFilter;
import org.apache.dubbo.rpc.cluster.router.state.StateRouterFactory;
import org.apache.dubbo.rpc.model.ApplicationModel;
import org.apache.dubbo.rpc.model.FrameworkModel;
import org.apache.dubbo.rpc.model.ModuleModel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The SPI files and activation: what Dubbo loads under the name "mse", where, and how it is turned off. */
class ExtensionsTest {

  final FrameworkModel framework = new FrameworkModel();
  final ApplicationModel application = framework.newApplication();
  final ModuleModel module = application.newModule();

  @AfterEach
  void destroy() {
    framework.destroy();
  }

  URL url(String side, String extra) {
    return URL.valueOf("dubbo://127.0.0.1:20880/" + Greeter.class.getName() + "?side=" + side + extra)
        .setScopeModel(module);
  }

  @Test
  void theFiltersAreActiveOnBothSidesUnlessTurnedOff() {
    var filters = module.getExtensionLoader(Filter.class);
    assertThat(filters.getExtension("mse")).isInstanceOf(MseFilter.class);
    assertThat(filters.getActivateExtension(url("consumer", ""), "reference.filter", "consumer"))
        .hasAtLeastOneElementOfType(MseFilter.class);
    assertThat(filters.getActivateExtension(url("provider", ""), "service.filter", "provider"))
        .hasAtLeastOneElementOfType(MseFilter.class);
    assertThat(filters.getActivateExtension(url("consumer", "&reference.filter=-mse"), "reference.filter", "consumer"))
        .noneMatch(MseFilter.class::isInstance);
    assertThat(filters.getActivateExtension(url("provider", "&service.filter=-mse"), "service.filter", "provider"))
        .noneMatch(MseFilter.class::isInstance);

    var clusterFilters = module.getExtensionLoader(ClusterFilter.class);
    assertThat(clusterFilters.getActivateExtension(url("consumer", ""), "reference.filter", "consumer"))
        .hasAtLeastOneElementOfType(MseClusterFilter.class);
    assertThat(clusterFilters.getActivateExtension(url("provider", ""), "service.filter", "provider"))
        .noneMatch(MseClusterFilter.class::isInstance);
    assertThat(clusterFilters.getActivateExtension(url("consumer", "&reference.filter=-mse"), "reference.filter",
        "consumer")).noneMatch(MseClusterFilter.class::isInstance);
  }

  @Test
  void theRouterFactoryIsActiveAfterDubbosOwnUnlessTurnedOff() {
    var factories = module.getExtensionLoader(StateRouterFactory.class);
    var active = factories.getActivateExtension(url("consumer", ""), "router");
    assertThat(active).last().isInstanceOf(MseStateRouterFactory.class);
    assertThat(factories.getActivateExtension(url("consumer", "&router=-mse"), "router"))
        .noneMatch(MseStateRouterFactory.class::isInstance);
  }

  @Test
  void aGovernanceIsInstalledPerApplication() {
    ApplicationModel other = framework.newApplication();
    Governance first = Governance.builder(NoRegistry.naming()).rules(GovernanceRules.EMPTY).build();
    Governance second = Governance.builder(NoRegistry.naming()).rules(GovernanceRules.EMPTY).build();

    assertThat(MseDubboGovernance.installed(application)).isNull();
    MseDubboGovernance.install(application, first);
    assertThat(MseDubboGovernance.installed(application)).isSameAs(first);
    assertThat(MseDubboGovernance.installed(other)).isNull();
    MseDubboGovernance.install(application, second);
    assertThat(MseDubboGovernance.uninstall(application)).isSameAs(second);
    assertThat(MseDubboGovernance.installed(application)).isNull();
    assertThatCode(() -> first.acquirePermit(GovernedRequest.of("s"))).as("not closed by being replaced")
        .doesNotThrowAnyException();
  }
}

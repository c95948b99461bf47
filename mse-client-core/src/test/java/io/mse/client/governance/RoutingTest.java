package io.mse.client.governance;

import static io.mse.client.governance.Fixtures.instance;
import static io.mse.client.governance.Fixtures.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mse.client.naming.NoInstanceAvailableException;
import io.mse.client.testing.FakeTicker;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RoutingTest {

  final FakeNamingService naming = new FakeNamingService();
  final FakeTicker ticker = new FakeTicker();

  @BeforeEach
  void instances() {
    naming.set("pay", instance("10.0.0.1", "version", "v1"), instance("10.0.0.2", "version", "v1"),
        instance("10.0.0.3", "version", "v2"));
  }

  Governance governance(GovernanceRules rules) {
    return Governance.builder(naming).ticker(ticker).rules(rules).build();
  }

  @Test
  void splitsTrafficBetweenSubsetsByWeight() {
    Governance g = governance(GovernanceRules.builder()
        .route(RouteRule.of("pay", null, Destination.of("version", "v2", 5), Destination.of("version", "v1", 95)))
        .build());

    Map<String, Integer> counts = sample(g, GovernedRequest.of("pay"), 40_000);

    double canary = counts.getOrDefault("10.0.0.3", 0) / 40_000.0;
    assertThat(canary).isBetween(0.04, 0.06);
    assertThat(counts.get("10.0.0.1")).isBetween(17_000, 21_000);
  }

  @Test
  void routesByHeaderAndByTagAndLeavesOtherRequestsOnAllInstances() {
    Governance g = governance(GovernanceRules.builder()
        .route(RouteRule.of("pay", RouteMatch.header("X-MSE-Tag", "gray"), Destination.of("version", "v2", 100)))
        .build());

    GovernedRequest byHeader = GovernedRequest.builder("pay").header("x-mse-tag", "gray").build();
    GovernedRequest byTag = GovernedRequest.builder("pay").header(TagContext.HEADER, "gray").build();
    assertThat(sample(g, byHeader, 200)).containsOnlyKeys("10.0.0.3");
    assertThat(sample(g, byTag, 200)).containsOnlyKeys("10.0.0.3");
    assertThat(sample(g, GovernedRequest.of("pay"), 3000)).containsOnlyKeys("10.0.0.1", "10.0.0.2", "10.0.0.3");
  }

  @Test
  void aRepeatedHeaderMatchesWhenAnyOfItsValuesDoes() {
    Governance g = governance(GovernanceRules.builder()
        .route(RouteRule.of("pay", RouteMatch.header("x-env", "gray"), Destination.of("version", "v2", 100)))
        .build());

    GovernedRequest repeated = GovernedRequest.builder("pay").addHeader("X-Env", "blue").addHeader("x-env", "gray").build();
    GovernedRequest replaced = GovernedRequest.builder("pay").addHeader("x-env", "gray").header("x-env", "blue").build();

    assertThat(repeated.header("x-env")).isEqualTo("blue");
    assertThat(repeated.headerValues("x-env")).containsExactly("blue", "gray");
    assertThat(sample(g, repeated, 200)).containsOnlyKeys("10.0.0.3");
    assertThat(replaced.headerValues("x-env")).containsExactly("blue");
    assertThat(sample(g, replaced, 3000)).containsOnlyKeys("10.0.0.1", "10.0.0.2", "10.0.0.3");
  }

  @Test
  void matchesMethodPathCallerAndTagTogether() {
    Governance g = governance(GovernanceRules.builder()
        .route(new RouteRule("pay", new RouteMatch(null, StringMatch.prefix("/orders"), "POST", "web", "gray"),
            java.util.List.of(Destination.of("version", "v2", 100)), null))
        .build());

    GovernedRequest.Builder base = GovernedRequest.builder("pay").method("post").path("/orders/7").caller("web").tag("gray");
    assertThat(sample(g, base.build(), 100)).containsOnlyKeys("10.0.0.3");
    assertThat(sample(g, base.path("/users").build(), 3000)).hasSize(3);
    assertThat(sample(g, base.path("/orders").caller("batch").build(), 3000)).hasSize(3);
  }

  @Test
  void firstMatchingRouteWins() {
    Governance g = governance(GovernanceRules.builder()
        .route(RouteRule.of("pay", RouteMatch.tag("gray"), Destination.of("version", "v2", 100)))
        .route(RouteRule.of("pay", null, Destination.of("version", "v1", 100)))
        .build());

    assertThat(sample(g, GovernedRequest.builder("pay").tag("gray").build(), 100)).containsOnlyKeys("10.0.0.3");
    assertThat(sample(g, GovernedRequest.of("pay"), 1000)).containsOnlyKeys("10.0.0.1", "10.0.0.2");
  }

  @Test
  void emptySubsetFallsBackToAllInstancesByDefault() {
    Governance g = governance(GovernanceRules.builder()
        .route(RouteRule.of("pay", null, Destination.of("version", "v3", 100)))
        .build());

    assertThat(sample(g, GovernedRequest.of("pay"), 3000)).containsOnlyKeys("10.0.0.1", "10.0.0.2", "10.0.0.3");
  }

  @Test
  void emptySubsetFallsBackToOtherDestinationsOrFails() {
    GovernanceRules others = GovernanceRules.builder().route(new RouteRule("pay", null,
        java.util.List.of(Destination.of("version", "v3", 90), Destination.of("version", "v2", 10)),
        RouteFallback.OTHER_DESTINATIONS)).build();
    assertThat(sample(governance(others), GovernedRequest.of("pay"), 500)).containsOnlyKeys("10.0.0.3");

    GovernanceRules strict = GovernanceRules.builder().route(new RouteRule("pay", null,
        java.util.List.of(Destination.of("version", "v3", 100)), RouteFallback.FAIL)).build();
    assertThatThrownBy(() -> governance(strict).decide(GovernedRequest.of("pay")))
        .isInstanceOf(NoInstanceAvailableException.class)
        .satisfies(e -> assertThat(((NoInstanceAvailableException) e).resource()).isEqualTo("pay"));
  }

  @Test
  void subsetFollowsInstanceChanges() {
    Governance g = governance(GovernanceRules.builder()
        .route(RouteRule.of("pay", RouteMatch.tag("gray"), Destination.of("version", "v2", 100)))
        .build());
    GovernedRequest gray = GovernedRequest.builder("pay").tag("gray").build();
    assertThat(sample(g, gray, 50)).containsOnlyKeys("10.0.0.3");

    naming.set("pay", instance("10.0.0.1", "version", "v1"), instance("10.0.0.4", "version", "v2"));

    assertThat(sample(g, gray, 50)).containsOnlyKeys("10.0.0.4");
  }

  @Test
  void rejectsWhenTheServiceHasNoSelectableInstance() {
    naming.set("empty", io.mse.client.naming.Instance.builder().ip("10.0.0.9").port(80).healthy(false).build());
    Governance g = governance(GovernanceRules.EMPTY);

    assertThatThrownBy(() -> g.decide(GovernedRequest.of("empty")))
        .isInstanceOf(NoInstanceAvailableException.class).hasMessageContaining("'empty'");
    assertThat(g.counters("empty").noInstance()).isEqualTo(1);
  }
}

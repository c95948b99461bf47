package io.mse.client.governance;

import static io.mse.client.governance.Fixtures.instance;
import static io.mse.client.governance.Fixtures.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mse.client.naming.Instance;
import io.mse.client.naming.NoInstanceAvailableException;
import io.mse.client.testing.FakeTicker;
import org.junit.jupiter.api.Test;

/** A consumer's registration (port 0, {@code side=consumer}) listed in a service is never a call target. */
class ConsumerRegistrationTest {

  private static final Instance CONSUMER = Instance.builder().ip("10.0.0.9").port(0)
      .metadata(Instance.SIDE_METADATA_KEY, Instance.CONSUMER_SIDE).build();

  private final FakeNamingService naming = new FakeNamingService();
  private final Governance governance = Governance.builder(naming).ticker(new FakeTicker()).rules(GovernanceRules.EMPTY)
      .build();

  @Test
  void aConsumersRegistrationIsNeverChosen() {
    naming.set("pay", instance("10.0.0.1"), CONSUMER);

    assertThat(sample(governance, GovernedRequest.of("pay"), 2000)).containsOnlyKeys("10.0.0.1");
  }

  @Test
  void aServiceListingOnlyAConsumersRegistrationHasNoInstanceToCall() {
    naming.set("pay", CONSUMER);

    assertThatThrownBy(() -> governance.decide(GovernedRequest.of("pay")))
        .isInstanceOf(NoInstanceAvailableException.class);
  }
}

package io.mse.client.spring.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class InFlightRequestsTest {

  @Test
  void isIdleAtOnceWithoutRequests() {
    assertThat(new InFlightRequests().whenIdle()).isDone();
  }

  @Test
  void becomesIdleWhenTheLastRequestEnds() {
    InFlightRequests inFlight = new InFlightRequests();
    inFlight.begin();
    inFlight.begin();
    CompletableFuture<Void> idle = inFlight.whenIdle();
    assertThat(idle).isNotDone();
    inFlight.end();
    assertThat(idle).isNotDone();
    assertThat(inFlight.current()).isEqualTo(1);
    inFlight.end();
    assertThat(idle).isDone();
    assertThat(inFlight.current()).isZero();
  }

  @Test
  void aRequestStartedBeforeTheSignalKeepsTheWaiterWaiting() {
    InFlightRequests inFlight = new InFlightRequests();
    inFlight.begin();
    CompletableFuture<Void> idle = inFlight.whenIdle();
    inFlight.begin();
    inFlight.end();
    assertThat(idle).isNotDone();
    inFlight.end();
    assertThat(idle).isDone();
  }
}

package io.mse.client.governance;

import static io.mse.client.governance.Fixtures.instance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mse.client.testing.FakeTicker;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The wait for a bulkhead place: not the instance's call time, never made by an asynchronous call,
 * and an interrupt during it reaches {@code callCancellable}'s caller as an interrupt. The time spent
 * waiting is simulated by advancing the fake ticker while the caller is parked on the bulkhead.
 */
class BulkheadWaitTest {

  final FakeNamingService naming = new FakeNamingService();
  final FakeTicker ticker = new FakeTicker();
  final GovernedRequest request = GovernedRequest.of("inv");
  final ExecutorService threads = Executors.newCachedThreadPool();

  @BeforeEach
  void instances() {
    naming.set("inv", instance("10.0.0.1"), instance("10.0.0.2"));
  }

  @AfterEach
  void stop() {
    threads.shutdownNow();
  }

  /** One place, a long maxWait and a 500 ms timeout; a first call so that the registry is read. */
  Governance governance() throws Exception {
    Governance g = Governance.builder(naming).ticker(ticker).rules(GovernanceRules.builder()
        .bulkhead(new BulkheadRule("inv", 1, Duration.ofMinutes(5)))
        .timeout("inv", Duration.ofMillis(500)).build()).build();
    g.call(request, i -> "first use");
    return g;
  }

  /** Runs {@code task} on a thread of its own and returns once that thread waits (parked). */
  <T> Future<T> waiting(java.util.concurrent.Callable<T> task) {
    AtomicReference<Thread> runner = new AtomicReference<>();
    Future<T> future = threads.submit(() -> {
      runner.set(Thread.currentThread());
      return task.call();
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> runner.get() != null
        && runner.get().getState() == Thread.State.TIMED_WAITING);
    return future;
  }

  @Test
  void theWaitForAPlaceDoesNotCountAgainstTheCallsTimeout() throws Exception {
    Governance g = governance();
    Decision holder = g.decide(request);

    Future<String> call = waiting(() -> g.call(request, i -> "in time"));
    ticker.advance(Duration.ofSeconds(2));   // the wait lasts 2 s, four times the timeout
    holder.release();

    assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo("in time");
    assertThat(g.counters("inv").timeouts()).isZero();
    assertThat(g.counters("inv").successes()).isEqualTo(2);   // the first use and this call
  }

  @Test
  void aCancellableCallGetsItsWholeTimeoutAfterTheWait() throws Exception {
    Governance g = governance();
    Decision holder = g.decide(request);

    Future<String> call = waiting(() -> g.callCancellable(request, i -> CompletableFuture.completedFuture("in time")));
    ticker.advance(Duration.ofSeconds(2));
    holder.release();

    assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo("in time");
    assertThat(g.counters("inv").timeouts()).isZero();
  }

  @Test
  void anInterruptDuringTheWaitOfACancellableCallIsThrownAsAnInterrupt() throws Exception {
    Governance g = governance();
    Decision holder = g.decide(request);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicBoolean flagSetAgain = new AtomicBoolean();

    Future<?> call = waiting(() -> {
      try {
        return g.callCancellable(request, i -> CompletableFuture.completedFuture("never"));
      } catch (Throwable t) {
        flagSetAgain.set(Thread.currentThread().isInterrupted());
        thrown.set(t);
        return null;
      }
    });
    call.cancel(true);   // interrupts the pool thread, parked on the bulkhead
    await().atMost(Duration.ofSeconds(10)).until(() -> thrown.get() != null);
    holder.release();

    assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    assertThat(flagSetAgain).isTrue();
    assertThat(g.counters("inv").bulkheadFull()).as("an interrupt is no refusal").isZero();
    assertThat(g.counters("inv").calls()).isEqualTo(2);   // the first use and the holder
    g.decide(request).release();   // the breaker permit and the place were not kept
  }

  @Test
  void callAsyncRefusesAtOnceWhenTheBulkheadIsFullAndNeverWaits() throws Exception {
    Governance g = governance();
    Decision holder = g.decide(request);
    Thread caller = Thread.currentThread();
    AtomicBoolean returned = new AtomicBoolean();
    // Were the caller to wait, this would give it the place and the call would succeed.
    Future<?> releaser = threads.submit(() -> {
      await().atMost(Duration.ofSeconds(30)).until(() -> returned.get()
          || caller.getState() == Thread.State.TIMED_WAITING || caller.getState() == Thread.State.WAITING);
      holder.release();
      return null;
    });

    CompletableFuture<String> result = g.callAsync(request, i -> CompletableFuture.completedFuture("waited"));
    returned.set(true);
    releaser.get(30, TimeUnit.SECONDS);

    assertThat(result).isCompletedExceptionally();
    assertThatThrownBy(result::get).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(BulkheadFullException.class);
    assertThat(g.counters("inv").bulkheadFull()).isEqualTo(1);
  }
}

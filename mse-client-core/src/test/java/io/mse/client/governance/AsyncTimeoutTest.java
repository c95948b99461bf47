package io.mse.client.governance;

import static io.mse.client.governance.Fixtures.instance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mse.client.testing.FakeTicker;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Governance#callAsync} with a timeout rule: at the timeout the stage is cancelled, the
 * attempt recorded as timed out (its bulkhead place and breaker permit given back) and retried as the
 * rules allow. The timer waits in real time (100 ms here); the fake ticker stands still, so every
 * attempt is in time by the ticker until the timer fires.
 */
class AsyncTimeoutTest {

  static final Duration TIMEOUT = Duration.ofMillis(100);

  final FakeNamingService naming = new FakeNamingService();
  final FakeTicker ticker = new FakeTicker();
  final GovernedRequest request = GovernedRequest.of("inv");

  @BeforeEach
  void instances() {
    naming.set("inv", instance("10.0.0.1"), instance("10.0.0.2"));
  }

  final List<Governance> made = new CopyOnWriteArrayList<>();

  @org.junit.jupiter.api.AfterEach
  void close() {
    made.forEach(Governance::close);
  }

  Governance governance(GovernanceRules.Builder rules) {
    Governance g = Governance.builder(naming).ticker(ticker).rules(rules.timeout("inv", TIMEOUT).build()).build();
    made.add(g);
    return g;
  }

  @Test
  void aHungStageIsCancelledAtTheTimeoutAndGivesItsPlaceBack() {
    Governance g = governance(GovernanceRules.builder().bulkhead(BulkheadRule.of("inv", 1)));
    CompletableFuture<String> hung = new CompletableFuture<>();

    CompletableFuture<String> result = g.callAsync(request, i -> hung);

    await().atMost(Duration.ofSeconds(10)).until(result::isDone);
    assertThatThrownBy(result::get).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(CallTimeoutException.class);
    assertThat(hung).isCancelled();
    assertThat(g.counters("inv").timeouts()).isEqualTo(1);
    g.decide(request).release();   // the place is free again
  }

  @Test
  void aTimedOutAttemptIsRetriedOnAnotherInstanceOffTheTimerThread() throws Exception {
    Governance g = governance(GovernanceRules.builder()
        .retry(new RetryRule("inv", 2, 100, Duration.ofSeconds(10), 10)));
    List<String> tried = new CopyOnWriteArrayList<>();
    List<String> threads = new CopyOnWriteArrayList<>();
    List<CompletableFuture<String>> stages = new ArrayList<>();
    CompletableFuture<String> first = new CompletableFuture<>();

    CompletableFuture<String> result = g.callAsync(request, instance -> {
      tried.add(instance.ip());
      threads.add(Thread.currentThread().getName());
      CompletableFuture<String> stage = tried.size() == 1 ? first : CompletableFuture.completedFuture("second");
      stages.add(stage);
      return stage;
    });

    assertThat(result.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("second");
    assertThat(tried).hasSize(2).doesNotHaveDuplicates();
    assertThat(threads.get(1)).doesNotStartWith("mse-governance-timeouts-");   // handed to an executor
    assertThat(first).isCancelled();
    GovernanceCounters c = g.counters("inv");
    assertThat(c.timeouts()).isEqualTo(1);
    assertThat(c.successes()).isEqualTo(1);
    assertThat(c.retries()).isEqualTo(1);
    assertThat(g.ejectedInstances("inv")).isEmpty();
  }

  @Test
  void aCallbackBlockingOnAnotherTimedCallDoesNotHoldTheTimerThread() throws Exception {
    Governance g = governance(GovernanceRules.builder());
    List<String> callbackThreads = new CopyOnWriteArrayList<>();

    // The callback runs where the timed-out future is completed and waits for a second call that
    // can only end by its own timeout: were it run on the one timer thread, that timeout never fires.
    CompletableFuture<Object> result = g.callAsync(request, i -> new CompletableFuture<Object>())
        .exceptionally(e -> {
          callbackThreads.add(Thread.currentThread().getName());
          return g.callAsync(request, i -> new CompletableFuture<Object>()).handle((v, t) -> t).join();
        });

    await().atMost(Duration.ofSeconds(5)).until(result::isDone);
    assertThat(result.get()).isInstanceOf(CallTimeoutException.class);
    assertThat(callbackThreads).singleElement().asString().doesNotStartWith("mse-governance-timeouts-");
    assertThat(g.counters("inv").timeouts()).isEqualTo(2);
  }

  @Test
  void aStageThatIgnoresCancellationAndEndsAfterTheNextAttemptStartedTouchesNothingOfIt() throws Exception {
    Governance g = governance(GovernanceRules.builder()
        .retry(new RetryRule("inv", 2, 100, Duration.ofSeconds(10), 10)));
    CompletableFuture<String> first = new CompletableFuture<>();
    CompletableFuture<String> second = new CompletableFuture<>();
    List<CompletionStage<String>> handedOut = new CopyOnWriteArrayList<>();

    // A minimal stage: cancelling its toCompletableFuture() copy leaves the first call running.
    CompletableFuture<String> result = g.callAsync(request, instance -> {
      CompletionStage<String> stage = handedOut.isEmpty() ? first.minimalCompletionStage() : second;
      handedOut.add(stage);
      return stage;
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> handedOut.size() == 2);
    first.complete("late first");   // after its timeout, while the retry is under way

    assertThat(result).isNotDone();
    GovernanceCounters c = g.counters("inv");
    assertThat(c.successes()).isZero();
    assertThat(c.timeouts()).isEqualTo(1);

    second.complete("second");
    assertThat(result.get()).isEqualTo("second");
  }

  @Test
  void aStageInTimeDisarmsItsTimeout() throws Exception {
    Governance g = governance(GovernanceRules.builder());
    CompletableFuture<String> stage = new CompletableFuture<>();
    CompletableFuture<String> result = g.callAsync(request, i -> stage);

    stage.complete("in time");

    assertThat(result.get()).isEqualTo("in time");
    // For three times the timeout, nothing is recorded as timed out.
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(10))
        .until(() -> g.counters("inv").timeouts() == 0);
    assertThat(g.counters("inv").successes()).isEqualTo(1);
  }

  @Test
  void aFailedStageBeforeTheTimeoutIsAFailureNotATimeout() {
    Governance g = governance(GovernanceRules.builder());
    CompletableFuture<String> result = g.callAsync(request, i -> CompletableFuture.failedFuture(new IOException("no")));

    assertThatThrownBy(result::get).hasCauseInstanceOf(IOException.class);
    assertThat(g.counters("inv").timeouts()).isZero();
    assertThat(g.counters("inv").failures()).isEqualTo(1);
  }

  @Test
  void closingTheGovernanceStopsItsTimerThread() {
    Governance g = governance(GovernanceRules.builder());
    CompletableFuture<String> hung = new CompletableFuture<>();
    Set<Thread> before = timerThreads();
    g.callAsync(request, i -> hung);
    await().atMost(Duration.ofSeconds(10)).until(hung::isCancelled);   // the timer made and fired
    Set<Thread> started = timerThreads();
    started.removeAll(before);
    assertThat(started).hasSize(1);
    Thread timer = started.iterator().next();
    assertThat(timer.isDaemon()).isTrue();

    g.close();

    await().atMost(Duration.ofSeconds(10)).until(() -> !timer.isAlive());
    assertThatThrownBy(g.callAsync(request, i -> hung)::get).hasCauseInstanceOf(IllegalStateException.class);
  }

  @Test
  void aStageCancelledByItsOwnerIsNoFailureAndIsNotRetried() {
    Governance g = governance(GovernanceRules.builder().retry(RetryRule.of("inv", 3)));
    List<String> tried = new CopyOnWriteArrayList<>();

    CompletableFuture<String> result = g.callAsync(request, i -> {
      tried.add(i.ip());
      CompletableFuture<String> f = new CompletableFuture<>();
      f.cancel(false);
      return f;
    });

    assertThat(result).isCompletedExceptionally();
    assertThat(tried).hasSize(1);
    GovernanceCounters c = g.counters("inv");
    assertThat(c.failures() + c.successes() + c.retries()).isZero();
  }

  /** The live timer threads of the governances of this JVM. */
  static Set<Thread> timerThreads() {
    Set<Thread> timers = new HashSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("mse-governance-timeouts-") && t.isAlive()) {
        timers.add(t);
      }
    }
    return timers;
  }
}

package io.mse.client.governance;

import static io.mse.client.governance.Fixtures.instance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mse.client.naming.NoInstanceAvailableException;
import io.mse.client.testing.FakeTicker;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link Governance#callAsync}: the retry loop of {@code call} over completion stages, and cancellation. */
class AsyncCallTest {

  final FakeNamingService naming = new FakeNamingService();
  final FakeTicker ticker = new FakeTicker();
  final GovernedRequest request = GovernedRequest.of("inv");
  final List<String> tried = new ArrayList<>();

  @BeforeEach
  void instances() {
    naming.set("inv", instance("10.0.0.1"), instance("10.0.0.2"));
  }

  Governance governance(GovernanceRules rules) {
    return Governance.builder(naming).ticker(ticker).rules(rules).build();
  }

  static GovernanceRules retries(int maxAttempts) {
    return GovernanceRules.builder().retry(new RetryRule("inv", maxAttempts, 100, Duration.ofSeconds(10), 10)).build();
  }

  @Test
  void aFailedStageIsRetriedOnAnotherInstanceWhenThePreviousCompletes() throws Exception {
    Governance g = governance(retries(2));
    List<CompletableFuture<String>> stages = new ArrayList<>();

    CompletableFuture<String> result = g.callAsync(request, instance -> {
      tried.add(instance.ip());
      CompletableFuture<String> stage = new CompletableFuture<>();
      stages.add(stage);
      return stage;
    });
    assertThat(tried).hasSize(1);
    stages.get(0).completeExceptionally(new IOException("first attempt fails"));
    assertThat(tried).hasSize(2).doesNotHaveDuplicates();
    assertThat(result).isNotDone();
    stages.get(1).complete("ok");

    assertThat(result.get()).isEqualTo("ok");
    GovernanceCounters c = g.counters("inv");
    assertThat(c.calls()).isEqualTo(2);
    assertThat(c.failures()).isEqualTo(1);
    assertThat(c.successes()).isEqualTo(1);
    assertThat(c.retries()).isEqualTo(1);
  }

  @Test
  void theLastFailureUnwrappedEndsTheCallWhenAttemptsAreSpent() {
    Governance g = governance(retries(2));

    CompletableFuture<String> result = g.callAsync(request, instance -> {
      tried.add(instance.ip());
      return CompletableFuture.supplyAsync(() -> {
        throw new IllegalStateException("attempt " + tried.size());
      });
    });

    assertThatThrownBy(result::get).isInstanceOf(ExecutionException.class).cause()
        .isInstanceOf(IllegalStateException.class).hasMessage("attempt 2");
    assertThat(tried).hasSize(2);
    assertThat(g.counters("inv").failures()).isEqualTo(2);
  }

  @Test
  void anExceptionThrownByTheCallIsAFailedAttempt() {
    Governance g = governance(retries(3));

    CompletableFuture<String> result = g.callAsync(request, instance -> {
      tried.add(instance.ip());
      if (tried.size() < 3) {
        throw new IOException("not started");
      }
      return CompletableFuture.completedFuture("third");
    });

    assertThat(result).isCompletedWithValue("third");
    assertThat(g.counters("inv").failures()).isEqualTo(2);
  }

  @Test
  void refusalsCompleteTheFutureAndARefusedRetryIsSuppressedInTheLastFailure() {
    Governance g = governance(GovernanceRules.builder().rateLimit(RateLimitRule.perSecond("inv", 1))
        .circuitBreaker(CircuitBreakerRule.builder("inv").failureRateThreshold(50).minimumNumberOfCalls(1)
            .slidingWindow(SlidingWindowType.COUNT_BASED, 1).build())
        .retry(new RetryRule("inv", 2, 100, Duration.ofSeconds(10), 0)).build());

    CompletableFuture<String> first = g.callAsync(request,
        instance -> CompletableFuture.failedFuture(new IOException("opens the breaker")));
    CompletableFuture<String> limited = g.callAsync(request, instance -> CompletableFuture.completedFuture("x"));

    assertThat(first).isCompletedExceptionally();
    assertThatThrownBy(first::join).isInstanceOf(CompletionException.class).cause()
        .isInstanceOf(IOException.class)
        .satisfies(e -> assertThat(e.getSuppressed()).singleElement().isInstanceOf(CircuitOpenException.class));
    assertThatThrownBy(limited::join).cause().isInstanceOf(RateLimitedException.class);
    naming.set("none");
    assertThatThrownBy(() -> g.callAsync(GovernedRequest.of("none"), i -> CompletableFuture.completedFuture(1)).join())
        .cause().isInstanceOf(NoInstanceAvailableException.class);
  }

  @Test
  void aRequestThatIsNotIdempotentIsRetriedOnlyWhenItWasCertainlyNotSent() {
    Governance g = governance(retries(3));
    GovernedRequest post = GovernedRequest.builder("inv").method("POST").idempotent(false).build();

    CompletableFuture<String> sent = g.callAsync(post, instance -> {
      tried.add(instance.ip());
      return CompletableFuture.failedFuture(new IOException("reset after sending"));
    });
    assertThat(sent).isCompletedExceptionally();
    assertThat(tried).hasSize(1);

    tried.clear();
    CompletableFuture<String> refused = g.callAsync(post, instance -> {
      tried.add(instance.ip());
      return tried.size() == 1 ? CompletableFuture.failedFuture(new ConnectException("refused"))
          : CompletableFuture.completedFuture("sent once");
    });
    assertThat(refused).isCompletedWithValue("sent once");
  }

  @Test
  void aResultLaterThanTheTimeoutIsAFailureAndRetried() {
    Governance g = governance(GovernanceRules.builder().timeout(new TimeoutRule("inv", Duration.ofMillis(100)))
        .retry(new RetryRule("inv", 2, 100, Duration.ofSeconds(10), 0)).build());

    CompletableFuture<String> result = g.callAsync(request, instance -> {
      tried.add(instance.ip());
      if (tried.size() == 1) {
        ticker.advanceMillis(150);
      }
      return CompletableFuture.completedFuture("attempt " + tried.size());
    });

    assertThat(result).isCompletedWithValue("attempt 2");
    assertThat(g.counters("inv").timeouts()).isEqualTo(1);
  }

  @Test
  void cancellingCancelsTheAttemptReleasesItsPermitAndStartsNoOther() {
    Governance g = governance(GovernanceRules.builder().circuitBreaker(CircuitBreakerRule.builder("inv")
            .minimumNumberOfCalls(1).slidingWindow(SlidingWindowType.COUNT_BASED, 1)
            .waitDurationInOpenState(Duration.ofSeconds(10)).permittedNumberOfCallsInHalfOpenState(1).build())
        .retry(new RetryRule("inv", 3, 100, Duration.ofSeconds(10), 0)).build());
    g.decide(request).onError(new IOException("opens the breaker"));
    ticker.advance(Duration.ofSeconds(11));
    CompletableFuture<String> stage = new CompletableFuture<>();

    CompletableFuture<String> result = g.callAsync(request, instance -> {
      tried.add(instance.ip());
      return stage; // holds the one half-open permit
    });
    assertThat(result.cancel(true)).isTrue();

    assertThat(stage).isCancelled();
    assertThat(tried).hasSize(1);
    GovernanceCounters c = g.counters("inv");
    assertThat(c.successes()).isZero();
    assertThat(c.failures()).isEqualTo(1); // the call that opened the breaker, not the cancelled one
    assertThat(c.retries()).isZero();
    g.decide(request).onSuccess(); // the permit was given back: the probe may go
    assertThat(g.circuitState("inv")).isEqualTo(CircuitState.CLOSED);
  }

  @Test
  void aCancelledCallRecordsNoOutcomeWhenItsStageCompletesLater() {
    Governance g = governance(retries(2));
    CompletableFuture<String> stage = new CompletableFuture<>();
    CompletableFuture<String> result = g.callAsync(request, instance -> stage.thenApply(s -> s));

    result.cancel(false);
    stage.completeExceptionally(new IOException("late"));

    GovernanceCounters c = g.counters("inv");
    assertThat(c.failures()).isZero();
    assertThat(c.calls()).isEqualTo(1);
  }
}

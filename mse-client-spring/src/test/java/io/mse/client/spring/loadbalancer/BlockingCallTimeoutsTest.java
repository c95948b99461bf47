package io.mse.client.spring.loadbalancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.context.ContextRegistry;
import io.mse.client.governance.CallTimeoutException;
import io.mse.client.governance.FakeNamingService;
import io.mse.client.governance.Governance;
import io.mse.client.governance.GovernanceRules;
import io.mse.client.governance.GovernedRequest;
import io.mse.client.governance.RetryRule;
import io.mse.client.naming.Instance;
import io.mse.client.spring.MseProperties;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpResponse;

/**
 * {@link BlockingCallTimeouts} under a real {@link Governance} over a fake registry, with exchanges
 * that stand for request factories: one that ignores interrupts (as {@code HttpURLConnection} does)
 * until the test lets it go, one that answers, one that answers late.
 */
class BlockingCallTimeoutsTest {

  private static final Duration TIMEOUT = Duration.ofMillis(200);
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final FakeNamingService naming = new FakeNamingService();
  private final CountDownLatch letGo = new CountDownLatch(1);
  private final AtomicInteger exchanges = new AtomicInteger();
  private final List<String> exchangeThreads = new CopyOnWriteArrayList<>();
  private Governance governance;
  private BlockingCallTimeouts timeouts;

  @AfterEach
  void tearDown() {
    letGo.countDown();
    if (timeouts != null) {
      timeouts.close();
    }
    if (governance != null) {
      governance.close();
    }
  }

  private void start(int maxThreads, int perService, GovernanceRules rules, String... services) {
    int port = 8080;
    for (String service : services) {
      naming.set(service, Instance.builder().ip("127.0.0.1").port(port++).build(),
          Instance.builder().ip("127.0.0.1").port(port++).build());
    }
    governance = Governance.builder(naming).rules(rules).build();
    timeouts = new BlockingCallTimeouts(maxThreads, perService);
  }

  private static GovernanceRules timeoutOn(String... services) {
    GovernanceRules.Builder rules = GovernanceRules.builder();
    for (String service : services) {
      rules.timeout(service, TIMEOUT);
    }
    return rules.build();
  }

  private ClientHttpResponse call(String service, BlockingCallTimeouts.PreparedExchange exchange) throws IOException {
    return timeouts.call(governance, GovernedRequest.of(service), TIMEOUT, instance -> () -> {
      exchanges.incrementAndGet();
      exchangeThreads.add(Thread.currentThread().getName());
      return exchange.execute();
    });
  }

  /** An exchange that ignores interrupts until the test lets it go, then answers 200. */
  private ClientHttpResponse hang() {
    long end = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < end) {
      try {
        if (letGo.await(end - System.nanoTime(), TimeUnit.NANOSECONDS)) {
          break;
        }
      } catch (InterruptedException ignored) {
        // as a blocking socket read does
      }
    }
    return new CountedResponse(HttpStatus.OK);
  }

  @Test
  void aCallFindingEveryThreadBusyIsRefusedAtItsTimeoutWithoutRunningOnTheCallersThread() throws Exception {
    start(1, 1, timeoutOn("hung"), "hung");

    assertThatThrownBy(() -> call("hung", this::hang)).isInstanceOf(CallTimeoutException.class);
    assertThatThrownBy(() -> call("hung", () -> new CountedResponse(HttpStatus.OK)))
        .isInstanceOf(TimeoutThreadsBusyException.class).hasMessageContaining("'hung'");

    assertThat(exchanges).hasValue(1);   // the second call sent nothing, on no thread
    assertThat(exchangeThreads).allMatch(t -> t.startsWith(BlockingCallTimeouts.THREAD_NAME_PREFIX));
    assertThat(governance.counters("hung").failures()).isEqualTo(1);   // the refusal is not the instance's
    assertThat(governance.counters("hung").calls()).isEqualTo(1);

    letGo.countDown();   // the hung exchange ends: its thread takes calls again
    await().atMost(WAIT).untilAsserted(() -> {
      try (ClientHttpResponse answer = call("hung", () -> new CountedResponse(HttpStatus.OK))) {
        assertThat(answer.getStatusCode().value()).isEqualTo(200);
      }
    });
  }

  @Test
  void aRetryFindingNoThreadIsNotSentAndNotBlamedOnItsInstance() throws Exception {
    start(1, 1, GovernanceRules.builder().timeout("svc", TIMEOUT)
        .retry(new RetryRule("svc", 2, 100, Duration.ofSeconds(10), 100)).build(), "svc");

    // the first attempt hangs on the only thread, past its timeout: the retry finds no thread
    assertThatThrownBy(() -> call("svc", this::hang)).isInstanceOfSatisfying(TimeoutThreadsBusyException.class,
        busy -> assertThat(busy.retry()).isTrue()).hasMessageContaining("retry of the call to 'svc' not sent");

    assertThat(exchanges).hasValue(1);   // only the hung attempt was sent
    assertThat(governance.counters("svc").timeouts()).isEqualTo(1);   // the hung attempt's, and no more
    assertThat(governance.counters("svc").failures()).isEqualTo(1);   // the retry's instance is not blamed
    assertThat(governance.counters("svc").successes()).isZero();

    letGo.countDown();   // the hung exchange ends; the retry's instance took no permit with it
    await().atMost(WAIT).untilAsserted(() -> {
      try (ClientHttpResponse answer = call("svc", () -> new CountedResponse(HttpStatus.OK))) {
        assertThat(answer.getStatusCode().value()).isEqualTo(200);
      }
    });
  }

  @Test
  void aHungServiceHoldsNoMoreThanItsShareAndTheOthersKeepTheirs() throws Exception {
    start(4, 2, timeoutOn("hung", "healthy"), "hung", "healthy");

    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> call("hung", this::hang)).isInstanceOf(CallTimeoutException.class);
    }
    assertThatThrownBy(() -> call("hung", this::hang)).isInstanceOf(TimeoutThreadsBusyException.class)
        .hasMessageContaining("share");
    for (int i = 0; i < 3; i++) {
      try (ClientHttpResponse answer = call("healthy", () -> new CountedResponse(HttpStatus.OK))) {
        assertThat(answer.getStatusCode().value()).isEqualTo(200);
      }
    }
    assertThat(governance.counters("healthy").failures()).isZero();
  }

  @Test
  void poolThreadsInheritNeitherTheFirstCallersThreadLocalsNorItsClassLoader() throws Exception {
    start(1, 1, timeoutOn("svc"), "svc");
    InheritableThreadLocal<String> probe = new InheritableThreadLocal<>();
    AtomicReference<String> seen = new AtomicReference<>("unset");
    AtomicReference<ClassLoader> loader = new AtomicReference<>();
    ClassLoader callersLoader = new URLClassLoader(new URL[0], getClass().getClassLoader());

    Thread a = new Thread(() -> {
      probe.set("A's secret");
      Thread.currentThread().setContextClassLoader(callersLoader);
      try {
        call("svc", () -> new CountedResponse(HttpStatus.OK)).close();   // makes the only pool thread
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }, "caller-a");
    a.start();
    a.join(WAIT.toMillis());
    String madeByA = exchangeThreads.get(0);

    // the test's thread has no value: call until an attempt runs on the thread A's call made
    List<String> seenOnAsThread = new CopyOnWriteArrayList<>();
    await().atMost(WAIT).until(() -> {
      call("svc", () -> {
        seen.set(probe.get());
        loader.set(Thread.currentThread().getContextClassLoader());
        if (Thread.currentThread().getName().equals(madeByA)) {
          seenOnAsThread.add(String.valueOf(seen.get()));
        }
        return new CountedResponse(HttpStatus.OK);
      }).close();
      assertThat(seen.get()).isNull();
      assertThat(loader.get()).isSameAs(BlockingCallTimeouts.class.getClassLoader()).isNotSameAs(callersLoader);
      return !seenOnAsThread.isEmpty();
    });
    assertThat(madeByA).startsWith(BlockingCallTimeouts.THREAD_NAME_PREFIX);
    assertThat(seenOnAsThread).containsOnly("null");
  }

  @Test
  void theCallersRegisteredThreadLocalsAreSetAroundEachAttemptAndClearedAfter() throws Exception {
    start(1, 1, timeoutOn("svc"), "svc");
    ThreadLocal<String> user = new ThreadLocal<>();
    String key = "mse-test-user-" + System.nanoTime();
    ContextRegistry.getInstance().registerThreadLocalAccessor(key, user);
    try {
      List<String> seen = new CopyOnWriteArrayList<>();
      BlockingCallTimeouts.PreparedExchange reading = () -> {
        seen.add(String.valueOf(user.get()));
        return new CountedResponse(HttpStatus.OK);
      };
      user.set("alice");
      call("svc", reading).close();
      user.remove();
      call("svc", reading).close();

      assertThat(seen).containsExactly("alice", "null");
      assertThat(exchangeThreads).allMatch(t -> t.startsWith(BlockingCallTimeouts.THREAD_NAME_PREFIX));
    } finally {
      ContextRegistry.getInstance().removeThreadLocalAccessor(key);
    }
  }

  @Test
  void supersededAndLateResponsesAreClosedOnPoolThreads() throws Exception {
    start(4, 4, GovernanceRules.builder().timeout("svc", TIMEOUT)
        .retry(new RetryRule("svc", 2, 100, Duration.ofSeconds(10), 100)).build(), "svc");
    CountedResponse failed = new CountedResponse(HttpStatus.SERVICE_UNAVAILABLE);
    AtomicInteger attempt = new AtomicInteger();

    try (ClientHttpResponse answer = call("svc",
        () -> attempt.getAndIncrement() == 0 ? failed : new CountedResponse(HttpStatus.OK))) {
      assertThat(answer.getStatusCode().value()).isEqualTo(200);
    }
    await().atMost(WAIT).untilAsserted(() -> assertThat(failed.closedOn).isNotNull());
    assertThat(failed.closedOn.get()).startsWith(BlockingCallTimeouts.THREAD_NAME_PREFIX);

    naming.set("late", Instance.builder().ip("127.0.0.1").port(9090).build());
    governance.setLocalRules(GovernanceRules.builder().timeout("late", TIMEOUT).build());
    CountedResponse late = new CountedResponse(HttpStatus.OK);
    assertThatThrownBy(() -> call("late", () -> {
      hang();   // past the timeout, as a blocking read that ignores the interrupt
      return late;
    })).isInstanceOf(CallTimeoutException.class);
    assertThat(late.closedOn.get()).isNull();
    letGo.countDown();
    await().atMost(WAIT).untilAsserted(() -> assertThat(late.closedOn.get())
        .startsWith(BlockingCallTimeouts.THREAD_NAME_PREFIX));
  }

  @Test
  void closingInterruptsAttemptsWithoutRecordingThemAgainstTheInstance() throws Exception {
    naming.set("svc", Instance.builder().ip("127.0.0.1").port(8080).build());
    governance = Governance.builder(naming).rules(GovernanceRules.builder().timeout("svc", WAIT).build()).build();
    timeouts = new BlockingCallTimeouts(2, 2);
    CountDownLatch sending = new CountDownLatch(1);
    AtomicReference<Boolean> interruptedAfter = new AtomicReference<>();

    CompletableFuture<Throwable> caller = CompletableFuture.supplyAsync(() -> {
      try {
        timeouts.call(governance, GovernedRequest.of("svc"), WAIT, instance -> () -> {
          sending.countDown();
          try {
            // an exchange that reacts to interrupts: blocks until interrupted (or WAIT passes)
            new CountDownLatch(1).await(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
          } catch (InterruptedException e) {
            throw new InterruptedIOException("read interrupted");
          }
          return new CountedResponse(HttpStatus.OK);
        });
        return null;
      } catch (IOException | RuntimeException e) {
        return e;
      } finally {
        interruptedAfter.set(Thread.currentThread().isInterrupted());
      }
    });
    assertThat(sending.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    timeouts.close();

    assertThat(caller.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isInstanceOf(InterruptedIOException.class)
        .hasMessageContaining("closed");
    assertThat(interruptedAfter.get()).isFalse();
    assertThat(governance.counters("svc").failures()).isZero();
    assertThatThrownBy(() -> timeouts.call(governance, GovernedRequest.of("svc"), WAIT,
        instance -> () -> new CountedResponse(HttpStatus.OK))).isInstanceOf(InterruptedIOException.class)
        .hasMessageContaining("closed");
    assertThat(governance.counters("svc").failures()).isZero();
  }

  @Test
  void theThreadCountsAreChecked() {
    assertThatThrownBy(() -> new BlockingCallTimeouts(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxThreads 0");
    assertThatThrownBy(() -> new BlockingCallTimeouts(10_001)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxThreads 10001");
    assertThatThrownBy(() -> new BlockingCallTimeouts(4, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxThreadsPerService 0");
    new BlockingCallTimeouts(10_000, 10_000).close();
    MseProperties.LoadBalancer properties = new MseProperties().getLoadbalancer();
    assertThatThrownBy(() -> properties.setMaxTimeoutThreads(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mse.loadbalancer.max-timeout-threads 0");
    assertThatThrownBy(() -> properties.setMaxTimeoutThreads(10_001)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mse.loadbalancer.max-timeout-threads 10001");
    assertThatThrownBy(() -> properties.setMaxTimeoutThreadsPerService(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mse.loadbalancer.max-timeout-threads-per-service 0");
    properties.setMaxTimeoutThreads(1);
    properties.setMaxTimeoutThreads(10_000);
    assertThat(properties.getMaxTimeoutThreads()).isEqualTo(10_000);
  }

  /** A response that notes the thread it was closed on. */
  static final class CountedResponse implements ClientHttpResponse {
    final AtomicReference<String> closedOn = new AtomicReference<>();
    private final HttpStatus status;

    CountedResponse(HttpStatus status) {
      this.status = status;
    }

    @Override
    public HttpStatusCode getStatusCode() {
      return status;
    }

    @Override
    public String getStatusText() {
      return status.getReasonPhrase();
    }

    @Override
    public void close() {
      closedOn.compareAndSet(null, Thread.currentThread().getName());
    }

    @Override
    public InputStream getBody() {
      return new ByteArrayInputStream(new byte[0]);
    }

    @Override
    public HttpHeaders getHeaders() {
      return new HttpHeaders();
    }
  }
}

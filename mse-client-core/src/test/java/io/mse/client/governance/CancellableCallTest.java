package io.mse.client.governance;

import static io.mse.client.governance.Fixtures.instance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mse.client.naming.Instance;
import io.mse.client.testing.FakeTicker;
import java.io.IOException;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Governance#callCancellable}: an attempt that outlives its timeout is cancelled, its real
 * blocking I/O stopped (the server sees the connection closed), and retried per the rules.
 */
class CancellableCallTest {

  static final Duration TIMEOUT = Duration.ofMillis(200);

  final FakeNamingService naming = new FakeNamingService();
  final FakeTicker ticker = new FakeTicker();
  final ExecutorService io = Executors.newCachedThreadPool();
  SilentServer silent;

  @BeforeEach
  void start() throws IOException {
    silent = new SilentServer();
  }

  @AfterEach
  void stop() throws IOException {
    io.shutdownNow();
    silent.close();
  }

  Governance governance(GovernanceRules rules) {
    return Governance.builder(naming).ticker(ticker).rules(rules).build();
  }

  /** A real blocking read on an interruptible channel: it returns only when interrupted or answered. */
  static String blockingRead(Instance instance) throws IOException {
    try (SocketChannel channel = SocketChannel.open(new InetSocketAddress(instance.ip(), instance.port()))) {
      channel.write(ByteBuffer.wrap("GET /stock\n".getBytes()));
      ByteBuffer answer = ByteBuffer.allocate(64);
      channel.read(answer);
      return "answered";
    }
  }

  @Test
  void aTimedOutTaskIsInterruptedAndItsConnectionClosed() {
    naming.set("inv", silent.instance());
    Governance g = governance(GovernanceRules.builder().timeout("inv", TIMEOUT).build());
    AtomicReference<Throwable> endedWith = new AtomicReference<>();

    assertThatThrownBy(() -> g.callCancellable(GovernedRequest.of("inv"), instance -> io.submit(() -> {
      try {
        return blockingRead(instance);
      } catch (IOException e) {
        endedWith.set(e);
        throw e;
      }
    }))).isInstanceOf(CallTimeoutException.class)
        .satisfies(e -> assertThat(((CallTimeoutException) e).timeout()).isEqualTo(TIMEOUT));

    await().atMost(Duration.ofSeconds(10)).until(() -> silent.closedByClient.get() == 1);
    assertThat(endedWith.get()).isInstanceOf(ClosedByInterruptException.class);
    GovernanceCounters counts = g.counters("inv");
    assertThat(counts.timeouts()).isEqualTo(1);
    assertThat(counts.failures()).isEqualTo(1);
  }

  @Test
  void aTimedOutHttpExchangeIsAbortedAndRetriedOnAnotherInstance() throws Exception {
    HttpServer healthy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    healthy.createContext("/", exchange -> {
      byte[] body = "in stock".getBytes();
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    healthy.setExecutor(io);
    healthy.start();
    try {
      naming.set("inv", silent.instance(), Instance.builder().ip("127.0.0.1").port(healthy.getAddress().getPort()).build());
      // a second, not 200 ms: a first exchange of a fresh HttpClient on a loaded machine may take 200 ms
      Governance g = governance(GovernanceRules.builder().timeout("inv", Duration.ofSeconds(1))
          .retry(new RetryRule("inv", 2, 100, Duration.ofSeconds(10), 10))
          .loadBalancer("inv", LoadBalancerType.ROUND_ROBIN).build());
      HttpClient http = HttpClient.newHttpClient();
      // warmed up first (class loading, the first connection): only the silent instance may time out
      http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthy.getAddress().getPort() + "/")).build(),
          HttpResponse.BodyHandlers.discarding());

      for (int i = 0; i < 2; i++) {   // round robin: one of the two calls starts on the silent instance
        // the future sendAsync returns itself: cancelling it aborts the exchange (a derived one would not)
        HttpResponse<String> response = g.callCancellable(GovernedRequest.of("inv"), instance -> http.sendAsync(
            HttpRequest.newBuilder(URI.create("http://" + instance.address() + "/stock")).build(),
            HttpResponse.BodyHandlers.ofString()));
        assertThat(response.body()).isEqualTo("in stock");
      }

      // (a retry moves the round robin on, so the silent instance may take the first attempt of both)
      GovernanceCounters counts = g.counters("inv");
      assertThat(counts.timeouts()).isBetween(1L, 2L);
      assertThat(counts.retries()).isEqualTo(counts.timeouts());
      assertThat(counts.successes()).isEqualTo(2);
      await().atMost(Duration.ofSeconds(10)).until(() -> silent.closedByClient.get() == counts.timeouts());
    } finally {
      healthy.stop(0);
    }
  }

  @Test
  void aCallThatIgnoresCancellationRunsOnWithoutItsBulkheadPlace() throws Exception {
    naming.set("inv", instance("10.0.0.1"));
    Governance g = governance(GovernanceRules.builder().timeout("inv", TIMEOUT)
        .bulkhead(BulkheadRule.of("inv", 1)).build());
    CountDownLatch finish = new CountDownLatch(1);
    CompletableFuture<String> ignoring = new CompletableFuture<>();
    Thread worker = new Thread(() -> {      // work a CompletableFuture's cancel cannot reach
      awaitUninterruptibly(finish);
      ignoring.obtrudeValue("late");
    }, "ignores-cancellation");
    worker.setDaemon(true);
    worker.start();

    assertThatThrownBy(() -> g.callCancellable(GovernedRequest.of("inv"), instance -> ignoring))
        .isInstanceOf(CallTimeoutException.class);

    assertThat(ignoring.isCancelled()).isTrue();
    assertThat(worker.isAlive()).isTrue();                     // still running in the background
    String next = g.call(GovernedRequest.of("inv"), instance -> "next");
    assertThat(next).isEqualTo("next");                        // its place was given back at the timeout
    finish.countDown();
    worker.join(10_000);
    assertThat(worker.isAlive()).isFalse();
  }

  @Test
  void anInterruptedCallerCancelsTheAttemptAndDoesNotRetry() throws Exception {
    naming.set("inv", silent.instance());
    Governance g = governance(GovernanceRules.builder().retry(RetryRule.of("inv", 3)).build());   // no timeout: waits
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicReference<Boolean> flag = new AtomicReference<>();
    CountDownLatch started = new CountDownLatch(1);
    Thread caller = new Thread(() -> {
      try {
        g.callCancellable(GovernedRequest.of("inv"), instance -> {
          Future<String> f = io.submit(() -> blockingRead(instance));
          started.countDown();
          return f;
        });
      } catch (Exception e) {
        thrown.set(e);
        flag.set(Thread.currentThread().isInterrupted());
      }
    }, "caller");
    caller.start();
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> silent.connections.get() == 1);   // the call is under way
    caller.interrupt();
    caller.join(10_000);

    assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    assertThat(flag.get()).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> silent.closedByClient.get() == 1);
    assertThat(silent.connections.get()).isEqualTo(1);        // no retry
    GovernanceCounters counts = g.counters("inv");
    assertThat(counts.failures() + counts.successes() + counts.retries()).isZero();
  }

  @Test
  void aFailedFutureIsAFailureThrownWithItsCause() {
    naming.set("inv", instance("10.0.0.1"));
    Governance g = governance(GovernanceRules.builder().timeout("inv", TIMEOUT).build());

    assertThatThrownBy(() -> g.callCancellable(GovernedRequest.of("inv"),
        instance -> CompletableFuture.failedFuture(new IOException("refused"))))
        .isInstanceOf(IOException.class).hasMessage("refused");
    assertThat(g.counters("inv").failures()).isEqualTo(1);
    assertThat(g.counters("inv").timeouts()).isZero();
  }

  @Test
  void aSuccessLateByTheTickerIsATimeoutAsInCall() {
    naming.set("inv", instance("10.0.0.1"));
    Governance g = governance(GovernanceRules.builder().timeout("inv", TIMEOUT).build());

    assertThatThrownBy(() -> g.callCancellable(GovernedRequest.of("inv"), instance -> {
      ticker.advance(Duration.ofSeconds(1));
      return CompletableFuture.completedFuture("late");
    })).isInstanceOf(CallTimeoutException.class);
    assertThat(g.counters("inv").timeouts()).isEqualTo(1);
  }

  @Test
  void aFutureCancelledByItsOwnerIsNoFailureOfTheInstanceAndIsNotRetried() {
    naming.set("inv", instance("10.0.0.1"), instance("10.0.0.2"));
    Governance g = governance(GovernanceRules.builder().timeout("inv", TIMEOUT).retry(RetryRule.of("inv", 3))
        .circuitBreaker(CircuitBreakerRule.builder("inv").minimumNumberOfCalls(1)
            .slidingWindow(SlidingWindowType.COUNT_BASED, 1).build()).build());
    java.util.List<String> tried = new java.util.ArrayList<>();

    assertThatThrownBy(() -> g.callCancellable(GovernedRequest.of("inv"), instance -> {
      tried.add(instance.ip());
      CompletableFuture<String> f = new CompletableFuture<>();
      f.cancel(true);   // the application gave the call up itself
      return f;
    })).isInstanceOf(java.util.concurrent.CancellationException.class);

    assertThat(tried).hasSize(1);
    GovernanceCounters c = g.counters("inv");
    assertThat(c.failures() + c.successes() + c.retries()).isZero();
    assertThat(g.circuitState("inv")).isEqualTo(CircuitState.CLOSED);   // one failure would have opened it
    assertThat(g.ejectedInstances("inv")).isEmpty();
  }

  static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}

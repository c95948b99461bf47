package io.mse.client.spring.loadbalancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mse.client.MseClient;
import io.mse.client.governance.CallTimeoutException;
import io.mse.client.governance.Governance;
import io.mse.client.governance.GovernanceRules;
import io.mse.client.governance.LoadBalancerType;
import io.mse.client.governance.RetryRule;
import io.mse.client.naming.NamingService;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.client.ReactorClientHttpRequestFactory;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;

/**
 * A timeout rule on load-balanced RestTemplate and RestClient calls of a real Spring Boot application
 * (embedded engine), with the request factory Spring Boot builds ({@code spring.http.clients.*}, read
 * timeout 10 s): a provider answering after 3 s, a timeout rule of 300 ms. The caller's wait ends at
 * the rule's timeout (bounds below are generous for a loaded 2-core machine: the feature's absence
 * would take the provider's 3 s), the attempt is counted as a timeout and retried on a fast
 * instance, and where the request factory aborts on interrupt the slow provider sees the connection
 * closed before its answer. Once per factory, each pinned with {@code spring.http.clients.imperative.factory}
 * (Boot would detect Apache HttpClient 5 on this class path) and checked: Apache HttpClient 5 (aborted
 * by {@link HttpComponentsAbort}), Reactor Netty, the JDK HttpClient, and the Simple one
 * ({@code HttpURLConnection}), which cannot be aborted.
 */
class BlockingTimeoutsTest {

  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final Duration SLOW = Duration.ofSeconds(3);
  private static final Duration TIMEOUT = Duration.ofMillis(300);
  /** Far below {@link #SLOW}: a call that waited for the slow answer cannot pass. */
  private static final long BOUND_MILLIS = 2_000;
  private static final AtomicInteger SERVICES = new AtomicInteger();

  @TempDir
  static Path snapshots;

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class WithApacheHttpClient5 extends Scenarios {
    WithApacheHttpClient5() {
      super(HttpComponentsClientHttpRequestFactory.class, true, "spring.http.clients.imperative.factory=http-components");
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class WithReactorNetty extends Scenarios {
    WithReactorNetty() {
      super(ReactorClientHttpRequestFactory.class, true, "spring.http.clients.imperative.factory=reactor");
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class WithTheJdkHttpClient extends Scenarios {
    WithTheJdkHttpClient() {
      super(JdkClientHttpRequestFactory.class, true, "spring.http.clients.imperative.factory=jdk");
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class WithHttpUrlConnection extends Scenarios {
    WithHttpUrlConnection() {
      super(SimpleClientHttpRequestFactory.class, false, "spring.http.clients.imperative.factory=simple");
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class WhenEveryThreadIsBusy extends Caller {
    WhenEveryThreadIsBusy() {
      super(SimpleClientHttpRequestFactory.class, "spring.http.clients.imperative.factory=simple",
          "mse.loadbalancer.max-timeout-threads=1");
    }

    @Test
    void aCallFindingNoFreeThreadIsRefusedAtItsTimeoutAndNeverRunsOnTheCallersThread() throws Exception {
      assertThat(caller.getBean(ClientHttpRequestFactory.class)).isInstanceOf(SimpleClientHttpRequestFactory.class);
      SlowProvider slow = slowProvider();
      TestProvider fast = TestProvider.start("fast");
      providers.add(fast);
      String slowService = service(slow.instance());
      String fastService = service(fast.instance());
      governance.setLocalRules(GovernanceRules.builder().timeout("*", TIMEOUT).build());

      // HttpURLConnection cannot be aborted: the only thread stays in its read after the timeout
      assertThatThrownBy(() -> timed(() -> restClient.get().uri("http://" + slowService + "/who").retrieve()
          .body(String.class))).isInstanceOf(CallTimeoutException.class);
      assertThatThrownBy(() -> timed(() -> restClient.get().uri("http://" + fastService + "/who").retrieve()
          .body(String.class))).isInstanceOf(TimeoutThreadsBusyException.class);
      assertThat(RecordingFactory.THREADS).hasSize(1)
          .allMatch(t -> t.startsWith(BlockingCallTimeouts.THREAD_NAME_PREFIX));
      assertThat(governance.counters(fastService).calls()).isZero();   // refused before governance: not counted
      assertThat(fast.hits).hasValue(0);

      // once the slow answer came (and was discarded), the thread takes calls again
      await().atMost(WAIT).untilAsserted(() -> assertThat(slow.answered).hasValue(1));
      await().atMost(WAIT).untilAsserted(() -> assertThat(restTemplate.getForObject("http://" + fastService + "/who",
          String.class)).isEqualTo("fast"));
      assertThat(RecordingFactory.THREADS).allMatch(t -> t.startsWith(BlockingCallTimeouts.THREAD_NAME_PREFIX));
      assertThat(governance.counters(fastService).failures()).isZero();
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class InterceptorsAddedAfterOurs extends Caller {
    InterceptorsAddedAfterOurs() {
      super(JdkClientHttpRequestFactory.class, "spring.http.clients.imperative.factory=jdk");
    }

    @Test
    void runOnThePoolThreadWithTheCallersRegisteredContextAndNoInheritedThreadLocals() throws Exception {
      TestProvider provider = TestProvider.start("plain");
      providers.add(provider);
      String service = service(provider.instance());
      governance.setLocalRules(GovernanceRules.builder().timeout(service, Duration.ofSeconds(5)).build());
      ThreadLocal<String> user = new ThreadLocal<>();
      InheritableThreadLocal<String> inherited = new InheritableThreadLocal<>();
      String key = "mse-test-security-" + SERVICES.incrementAndGet();
      io.micrometer.context.ContextRegistry.getInstance().registerThreadLocalAccessor(key, user);
      List<String> seen = new CopyOnWriteArrayList<>();
      RestClient client = caller.getBean(RestClient.Builder.class).clone().requestInterceptor((request, body, next) -> {
        seen.add(Thread.currentThread().getName() + " user=" + user.get() + " inherited=" + inherited.get());
        return next.execute(request, body);
      }).build();
      try {
        Thread a = new Thread(() -> {
          inherited.set("A");
          user.set("alice");
          client.get().uri("http://" + service + "/who").retrieve().body(String.class);
        }, "caller-a");
        a.start();
        a.join(WAIT.toMillis());
        Thread b = new Thread(() -> client.get().uri("http://" + service + "/who").retrieve().body(String.class),
            "caller-b");
        b.start();
        b.join(WAIT.toMillis());
      } finally {
        io.micrometer.context.ContextRegistry.getInstance().removeThreadLocalAccessor(key);
      }

      assertThat(seen).hasSize(2).allMatch(s -> s.startsWith(BlockingCallTimeouts.THREAD_NAME_PREFIX));
      assertThat(seen.get(0)).endsWith("user=alice inherited=null");
      assertThat(seen.get(1)).endsWith("user=null inherited=null");
    }
  }

  /** A caller application on the embedded engine using one request factory, and its providers. */
  abstract static class Caller {
    final MseClient registry;
    final ConfigurableApplicationContext caller;
    final Governance governance;
    final RestClient restClient;
    final RestTemplate restTemplate;
    final List<AutoCloseable> providers = new ArrayList<>();

    Caller(Class<? extends ClientHttpRequestFactory> factory, String... properties) {
      String name = "timeout-caller-" + factory.getSimpleName() + "-" + SERVICES.incrementAndGet();
      this.registry = MseClient.builder().serverAddr("embedded").snapshotDir(snapshots.resolve(name + "-registry"))
          .build();
      List<String> all = new ArrayList<>(List.of(properties));
      all.add("spring.http.clients.read-timeout=10s");
      this.caller = CallerApp.start(TimeoutCallerApp.class, WebApplicationType.NONE, name, snapshots.resolve(name),
          all.toArray(String[]::new));
      this.governance = caller.getBean(Governance.class);
      this.restClient = caller.getBean(RestClient.Builder.class).build();
      this.restTemplate = caller.getBean(RestTemplate.class);
    }

    @AfterEach
    void clear() throws Exception {
      governance.setLocalRules(GovernanceRules.EMPTY);
      for (AutoCloseable provider : providers) {
        provider.close();
      }
      providers.clear();
      RecordingFactory.THREADS.clear();
    }

    @org.junit.jupiter.api.AfterAll
    void stop() {
      caller.close();
      registry.close();
    }

    SlowProvider slowProvider() throws IOException {
      SlowProvider slow = new SlowProvider(SLOW);
      providers.add(slow);
      return slow;
    }

    String service(io.mse.client.naming.Instance... instances) {
      String service = "slow-" + SERVICES.incrementAndGet();
      for (io.mse.client.naming.Instance instance : instances) {
        registry.naming().registerInstance(service, instance);
      }
      NamingService callerNaming = caller.getBean(NamingService.class);
      await().atMost(WAIT).until(() -> callerNaming.selectInstances(service, "DEFAULT_GROUP", true).size()
          == instances.length);
      return service;
    }

    /** Runs {@code call} and checks it ended (answer or exception) within {@link #BOUND_MILLIS}. */
    static <T> T timed(Callable<T> call) throws Exception {
      long start = System.nanoTime();
      try {
        return call.call();
      } finally {
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(millis).as("the call's duration in ms, with a %s ms timeout rule and a %s ms provider",
            TIMEOUT.toMillis(), SLOW.toMillis()).isLessThan(BOUND_MILLIS);
      }
    }
  }

  /** The scenarios, run against one caller application per request factory. */
  abstract static class Scenarios extends Caller {
    private final Class<? extends ClientHttpRequestFactory> factory;
    private final boolean aborts;

    Scenarios(Class<? extends ClientHttpRequestFactory> factory, boolean aborts, String... properties) {
      super(factory, properties);
      this.factory = factory;
      this.aborts = aborts;
    }

    @Test
    void theCallerGetsTheFactoryUnderTest() {
      assertThat(caller.getBean(ClientHttpRequestFactory.class)).isInstanceOf(factory);
    }

    @Test
    void lateAndCancelledResponsesAreClosed() throws Exception {
      SlowProvider slow = slowProvider();
      String service = service(slow.instance());
      governance.setLocalRules(GovernanceRules.builder().timeout(service, TIMEOUT).build());
      int closedBefore = RecordingFactory.CLOSED.get();
      int openedBefore = RecordingFactory.OPENED.get();

      assertThatThrownBy(() -> timed(() -> restTemplate.getForObject("http://" + service + "/who", String.class)))
          .isInstanceOf(CallTimeoutException.class);

      if (aborts) {
        assertThat(RecordingFactory.OPENED.get()).isEqualTo(openedBefore);   // no response ever came
      } else {   // the slow answer arrives after the timeout, into a response nobody reads: closed
        await().atMost(WAIT).untilAsserted(() -> assertThat(RecordingFactory.CLOSED.get() - closedBefore)
            .isEqualTo(RecordingFactory.OPENED.get() - openedBefore).isEqualTo(1));
      }
    }

    @Test
    void aFactoryThatCannotAbortIsNamedInAWarning() throws Exception {
      TestProvider provider = TestProvider.start("plain");
      providers.add(provider);
      String service = service(provider.instance());
      governance.setLocalRules(GovernanceRules.builder().timeout(service, Duration.ofSeconds(5)).build());

      // the factory's own responses, not the counting wrapper's
      RestTemplate unwrapped = new RestTemplate(caller.getBean(ClientHttpRequestFactory.class));
      unwrapped.setInterceptors(List.of(caller.getBean(MseLoadBalancerInterceptor.class)));
      assertThat(unwrapped.getForObject("http://" + service + "/who", String.class)).isEqualTo("plain");

      assertThat(caller.getBean(BlockingCallTimeouts.class).unabortableFactoriesWarned())
          .hasSize(aborts ? 0 : 1);
    }

    @Test
    void aSlowAttemptIsCutOffAtTheTimeoutAndRetriedOnAFastInstance() throws Exception {
      SlowProvider slow = slowProvider();
      TestProvider fast = TestProvider.start("fast");
      providers.add(fast);
      String service = service(slow.instance(), fast.instance());
      governance.setLocalRules(GovernanceRules.builder().loadBalancer(service, LoadBalancerType.ROUND_ROBIN)
          .timeout(service, TIMEOUT).retry(new RetryRule(service, 2, 100, Duration.ofSeconds(10), 100)).build());

      for (int i = 0; i < 2; i++) {
        assertThat(timed(() -> restClient.get().uri("http://" + service + "/who").retrieve().body(String.class)))
            .isEqualTo("fast");
        assertThat(timed(() -> restTemplate.getForObject("http://" + service + "/who", String.class)))
            .isEqualTo("fast");
      }

      assertThat(slow.hits.get()).isPositive();
      assertThat(governance.counters(service).timeouts()).isEqualTo(slow.hits.get());
      assertThat(governance.counters(service).retries()).isEqualTo(slow.hits.get());
      assertThat(RecordingFactory.THREADS).allMatch(t -> t.startsWith(BlockingCallTimeouts.THREAD_NAME_PREFIX));
      assertAbortedOrWaitedOut(slow, slow.hits.get());
    }

    @Test
    void withoutRetryTheCallFailsWithACallTimeoutExceptionAtTheTimeout() throws Exception {
      SlowProvider slow = slowProvider();
      String service = service(slow.instance());
      governance.setLocalRules(GovernanceRules.builder().timeout(service, TIMEOUT).build());

      assertThatThrownBy(() -> timed(() -> restClient.get().uri("http://" + service + "/who").retrieve()
          .body(String.class))).isInstanceOf(CallTimeoutException.class).hasMessageContaining("'" + service + "'");
      assertThatThrownBy(() -> timed(() -> restTemplate.getForObject("http://" + service + "/who", String.class)))
          .isInstanceOf(CallTimeoutException.class);

      assertThat(governance.counters(service).timeouts()).isEqualTo(2);
      assertThat(governance.counters(service).failures()).isEqualTo(2);
      assertAbortedOrWaitedOut(slow, 2);
    }

    @Test
    void aCallWithoutTimeoutRuleRunsOnTheCallersThread() throws Exception {
      TestProvider provider = TestProvider.start("plain");
      providers.add(provider);
      String service = service(provider.instance());
      governance.setLocalRules(GovernanceRules.builder()
          .retry(new RetryRule(service, 2, 100, Duration.ofSeconds(10), 100)).build());

      assertThat(restClient.get().uri("http://" + service + "/who").retrieve().body(String.class)).isEqualTo("plain");
      assertThat(restTemplate.getForObject("http://" + service + "/who", String.class)).isEqualTo("plain");

      String me = Thread.currentThread().getName();
      assertThat(RecordingFactory.THREADS).containsExactly(me, me);
    }

    /**
     * Where the factory aborts, the slow provider sees each of its {@code requests} closed by the
     * caller; where it cannot, each request is waited out and answered (the answer then discarded).
     */
    private void assertAbortedOrWaitedOut(SlowProvider slow, int requests) {
      if (aborts) {
        await().atMost(BOUND_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS)
            .untilAsserted(() -> assertThat(slow.abortedByCaller).hasValue(requests));
        assertThat(slow.answered).hasValue(0);
      } else {
        await().atMost(WAIT).untilAsserted(() -> assertThat(slow.answered).hasValue(requests));
        assertThat(slow.abortedByCaller).hasValue(0);
      }
    }

  }

  /**
   * A caller whose load-balanced RestClient and RestTemplate use the request factory Spring Boot
   * builds from {@code spring.http.clients.*}, wrapped to record the thread each request is sent on.
   */
  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  static class TimeoutCallerApp {

    @Bean
    @LoadBalanced
    RestClient.Builder loadBalancedRestClientBuilder(ClientHttpRequestFactory factory) {
      return RestClient.builder().requestFactory(new RecordingFactory(factory));
    }

    @Bean
    @LoadBalanced
    RestTemplate loadBalancedRestTemplate(ClientHttpRequestFactory factory) {
      return new RestTemplate(new RecordingFactory(factory));
    }
  }

  /** Delegates, noting the name of the thread each request is created (and sent) on. */
  static final class RecordingFactory implements ClientHttpRequestFactory {
    static final List<String> THREADS = new CopyOnWriteArrayList<>();
    /** Responses received, and closed. */
    static final AtomicInteger OPENED = new AtomicInteger();
    static final AtomicInteger CLOSED = new AtomicInteger();
    private final ClientHttpRequestFactory delegate;

    RecordingFactory(ClientHttpRequestFactory delegate) {
      this.delegate = delegate;
    }

    @Override
    public ClientHttpRequest createRequest(URI uri, HttpMethod httpMethod) throws IOException {
      THREADS.add(Thread.currentThread().getName());
      ClientHttpRequest request = delegate.createRequest(uri, httpMethod);
      return new CountingRequest(request);
    }
  }

  /** Counts the responses of its request, and their closing. */
  static final class CountingRequest implements ClientHttpRequest {
    private final ClientHttpRequest delegate;

    CountingRequest(ClientHttpRequest delegate) {
      this.delegate = delegate;
    }

    @Override
    public ClientHttpResponse execute() throws IOException {
      ClientHttpResponse response = delegate.execute();
      RecordingFactory.OPENED.incrementAndGet();
      return new ClientHttpResponse() {
        private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

        @Override
        public org.springframework.http.HttpStatusCode getStatusCode() throws IOException {
          return response.getStatusCode();
        }

        @Override
        public String getStatusText() throws IOException {
          return response.getStatusText();
        }

        @Override
        public void close() {
          response.close();
          if (closed.compareAndSet(false, true)) {
            RecordingFactory.CLOSED.incrementAndGet();
          }
        }

        @Override
        public java.io.InputStream getBody() throws IOException {
          return response.getBody();
        }

        @Override
        public org.springframework.http.HttpHeaders getHeaders() {
          return response.getHeaders();
        }
      };
    }

    @Override
    public java.io.OutputStream getBody() throws IOException {
      return delegate.getBody();
    }

    @Override
    public HttpMethod getMethod() {
      return delegate.getMethod();
    }

    @Override
    public URI getURI() {
      return delegate.getURI();
    }

    @Override
    public org.springframework.http.HttpHeaders getHeaders() {
      return delegate.getHeaders();
    }

    @Override
    public java.util.Map<String, Object> getAttributes() {
      return delegate.getAttributes();
    }
  }
}

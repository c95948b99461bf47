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
 * closed before its answer. Once per factory: the one Boot detects on this class path (Reactor
 * Netty), the JDK HttpClient, and the Simple one ({@code HttpURLConnection}), which cannot be aborted.
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
  class WithTheFactoryBootDetects extends Scenarios {
    WithTheFactoryBootDetects() {
      super(ReactorClientHttpRequestFactory.class, true);
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
    void anAttemptRunsOnTheCallersThreadUntilAThreadIsFree() throws Exception {
      SlowProvider slow = slowProvider();
      TestProvider fast = TestProvider.start("fast");
      providers.add(fast);
      String slowService = service(slow.instance());
      String fastService = service(fast.instance());
      governance.setLocalRules(GovernanceRules.builder().timeout("*", Duration.ofSeconds(10))
          .timeout(slowService, TIMEOUT).build());

      // HttpURLConnection cannot be aborted: the only thread stays in its read after the timeout
      assertThatThrownBy(() -> timed(() -> restClient.get().uri("http://" + slowService + "/who").retrieve()
          .body(String.class))).isInstanceOf(CallTimeoutException.class);
      assertThat(restClient.get().uri("http://" + fastService + "/who").retrieve().body(String.class))
          .isEqualTo("fast");
      String me = Thread.currentThread().getName();
      assertThat(RecordingFactory.THREADS).hasSize(2).endsWith(me);
      assertThat(RecordingFactory.THREADS.get(0)).startsWith(BlockingCallTimeouts.THREAD_NAME_PREFIX);

      // once the slow answer came (and was discarded), the thread takes calls again
      await().atMost(WAIT).untilAsserted(() -> assertThat(slow.answered).hasValue(1));
      await().atMost(WAIT).until(() -> {
        restTemplate.getForObject("http://" + fastService + "/who", String.class);
        return RecordingFactory.THREADS.get(RecordingFactory.THREADS.size() - 1)
            .startsWith(BlockingCallTimeouts.THREAD_NAME_PREFIX);
      });
      assertThat(governance.counters(fastService).failures()).isZero();
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
    private final ClientHttpRequestFactory delegate;

    RecordingFactory(ClientHttpRequestFactory delegate) {
      this.delegate = delegate;
    }

    @Override
    public ClientHttpRequest createRequest(URI uri, HttpMethod httpMethod) throws IOException {
      THREADS.add(Thread.currentThread().getName());
      return delegate.createRequest(uri, httpMethod);
    }
  }
}

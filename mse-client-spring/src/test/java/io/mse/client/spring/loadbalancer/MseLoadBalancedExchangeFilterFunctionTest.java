package io.mse.client.spring.loadbalancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mse.client.governance.CallTimeoutException;
import io.mse.client.governance.FakeNamingService;
import io.mse.client.governance.Governance;
import io.mse.client.governance.GovernanceRules;
import io.mse.client.naming.Instance;
import io.mse.client.spring.MseProperties;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * {@link MseLoadBalancedExchangeFilterFunction} under a real {@link Governance} over a fake registry,
 * with an exchange whose response is being handled as the attempt's timeout fires: governance has
 * cancelled (or discards) the attempt, so the response must be released, once, or its connection
 * and buffers leak.
 */
class MseLoadBalancedExchangeFilterFunctionTest {

  private static final Duration TIMEOUT = Duration.ofMillis(100);
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final FakeNamingService naming = new FakeNamingService();
  private final AtomicInteger releases = new AtomicInteger();
  private Governance governance;
  private MseLoadBalancedExchangeFilterFunction filter;

  @BeforeEach
  void setUp() {
    naming.set("svc", Instance.builder().ip("127.0.0.1").port(8080).build());
    governance = Governance.builder(naming).rules(GovernanceRules.builder().timeout("svc", TIMEOUT).build()).build();
    filter = new MseLoadBalancedExchangeFilterFunction(governance, new MseProperties(), List.of());
  }

  @AfterEach
  void tearDown() {
    governance.close();
  }

  @Test
  void aSuccessfulResponseArrivingAsItsAttemptTimesOutIsReleased() {
    assertTimedOutAndReleasedOnce(HttpStatus.OK);
  }

  @Test
  void aFailedResponseArrivingAsItsAttemptTimesOutIsReleased() {
    assertTimedOutAndReleasedOnce(HttpStatus.SERVICE_UNAVAILABLE);
  }

  private void assertTimedOutAndReleasedOnce(HttpStatus status) {
    ClientResponse response = responseReadAcrossTheTimeout(status);
    ExchangeFunction next = request -> Mono.fromSupplier(() -> response).subscribeOn(Schedulers.boundedElastic());
    ClientRequest request = ClientRequest.create(HttpMethod.GET, URI.create("http://svc/stock")).build();

    assertThatThrownBy(() -> filter.filter(request, next).block(WAIT)).isInstanceOf(CallTimeoutException.class);

    await().atMost(WAIT).until(() -> releases.get() > 0);
    assertThat(releases).hasValue(1);
    assertThat(governance.counters("svc").timeouts()).isEqualTo(1);
  }

  /**
   * A response whose status is read only once governance has recorded the attempt's timeout, as
   * when it arrives just as the timer fires; counts the releases of its body.
   */
  private ClientResponse responseReadAcrossTheTimeout(HttpStatus status) {
    return (ClientResponse) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ClientResponse.class},
        (proxy, method, args) -> switch (method.getName()) {
          case "statusCode" -> {
            await().atMost(WAIT).until(() -> governance.counters("svc").timeouts() == 1);
            yield HttpStatusCode.valueOf(status.value());
          }
          case "releaseBody" -> Mono.<Void>fromRunnable(releases::incrementAndGet);
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> proxy == args[0];
          case "toString" -> "response " + status;
          default -> throw new UnsupportedOperationException(method.getName());
        });
  }
}

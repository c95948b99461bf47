package io.mse.client.spring.loadbalancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mse.client.naming.Instance;
import io.mse.client.naming.NamingService;
import io.mse.client.spring.MseAutoConfiguration;
import io.mse.client.spring.MseProperties;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.BlockingLoadBalancerInterceptor;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.cloud.client.loadbalancer.LoadBalancerClient;
import org.springframework.cloud.client.loadbalancer.LoadBalancerRequest;
import org.springframework.cloud.client.loadbalancer.RestTemplateCustomizer;
import org.springframework.cloud.client.loadbalancer.reactive.LoadBalancedExchangeFilterFunction;
import org.springframework.cloud.client.loadbalancer.reactive.ReactorLoadBalancerExchangeFilterFunction;
import org.springframework.cloud.loadbalancer.blocking.client.BlockingLoadBalancerClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.mock.http.client.MockClientHttpRequest;
import org.springframework.mock.http.client.MockClientHttpResponse;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * Which beans the governed load balancing adds and where it stands back, beside Spring Cloud
 * Commons' and Spring Cloud LoadBalancer's own auto-configurations. The load-balanced clients are
 * checked by what they do: each is given a transport that answers with the URL it was sent to, so the
 * address of the registered instance in the answer shows that governance chose it.
 */
class MseLoadBalancerAutoConfigurationTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final AtomicInteger SERVICES = new AtomicInteger();

  @TempDir
  static Path snapshots;

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(MseAutoConfiguration.class, MseLoadBalancerAutoConfiguration.class,
          org.springframework.cloud.client.loadbalancer.LoadBalancerAutoConfiguration.class,
          org.springframework.cloud.loadbalancer.config.LoadBalancerAutoConfiguration.class,
          org.springframework.cloud.loadbalancer.config.BlockingLoadBalancerClientAutoConfiguration.class,
          org.springframework.cloud.client.loadbalancer.reactive.ReactorLoadBalancerClientAutoConfiguration.class,
          org.springframework.cloud.client.loadbalancer.reactive.LoadBalancerBeanPostProcessorAutoConfiguration.class))
      .withPropertyValues("mse.snapshot-dir=" + snapshots)
      .withUserConfiguration(LoadBalancedClients.class);

  @Test
  void governsEveryLoadBalancedClientBesideSpringCloudLoadBalancer() {
    runner.run(context -> {
      assertThat(context).hasSingleBean(MseLoadBalancerClient.class).hasSingleBean(MseLoadBalancerInterceptor.class)
          .hasSingleBean(MseLoadBalancedExchangeFilterFunction.class);
      assertThat(context.getBean(LoadBalancerClient.class)).isInstanceOf(MseLoadBalancerClient.class);
      assertThat(context.getBean(LoadBalancedExchangeFilterFunction.class))
          .isInstanceOf(MseLoadBalancedExchangeFilterFunction.class);
      assertThat(context.getBeansOfType(RestTemplateCustomizer.class)).containsOnlyKeys(
          "mseLoadBalancedRestTemplateCustomizer");
      // Spring Cloud's reactive filter is still defined (unconditionally there), but not the one used
      assertThat(context).hasSingleBean(ReactorLoadBalancerExchangeFilterFunction.class);

      assertEveryClientCallsTheRegisteredInstance(context);
    });
  }

  @Test
  void governsWithSpringCloudCommonsAloneWithoutSpringCloudLoadBalancer() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(MseAutoConfiguration.class, MseLoadBalancerAutoConfiguration.class,
            org.springframework.cloud.client.loadbalancer.LoadBalancerAutoConfiguration.class,
            org.springframework.cloud.client.loadbalancer.reactive.ReactorLoadBalancerClientAutoConfiguration.class,
            org.springframework.cloud.client.loadbalancer.reactive.LoadBalancerBeanPostProcessorAutoConfiguration.class))
        .withPropertyValues("mse.snapshot-dir=" + snapshots)
        .withUserConfiguration(LoadBalancedClients.class)
        .withClassLoader(new FilteredClassLoader("org.springframework.cloud.loadbalancer.")).run(context -> {
      assertThat(context).hasSingleBean(MseLoadBalancerClient.class)
          .doesNotHaveBean(ReactorLoadBalancerExchangeFilterFunction.class);
      assertEveryClientCallsTheRegisteredInstance(context);
    });
  }

  @Test
  void loadBalancerClientExecutesUnderGovernanceAndChoosesFromTheLiveList() {
    runner.run(context -> {
      String service = register(context, "10.1.0.9", 8081);
      LoadBalancerClient client = context.getBean(LoadBalancerClient.class);

      ServiceInstance chosen = client.choose(service);
      LoadBalancerRequest<String> request = instance -> instance.getHost() + ":" + instance.getPort();
      String executed = client.execute(service, request);

      assertThat(chosen.getHost()).isEqualTo("10.1.0.9");
      assertThat(executed).isEqualTo("10.1.0.9:8081");
      assertThat(client.reconstructURI(chosen, URI.create("http://" + service + "/x?y=1")))
          .isEqualTo(URI.create("http://10.1.0.9:8081/x?y=1"));
      assertThat(context.getBean(io.mse.client.governance.Governance.class).counters(service).successes())
          .isEqualTo(1);
    });
  }

  @Test
  void standsBackWhenTurnedOff() {
    runner.withPropertyValues("mse.loadbalancer.enabled=false").run(context -> {
      assertThat(context).doesNotHaveBean(MseLoadBalancerClient.class).doesNotHaveBean(MseLoadBalancerInterceptor.class)
          .doesNotHaveBean(MseLoadBalancedExchangeFilterFunction.class);
      assertThat(context.getBean(LoadBalancerClient.class)).isInstanceOf(BlockingLoadBalancerClient.class);
      assertThat(context.getBean(LoadBalancedExchangeFilterFunction.class))
          .isInstanceOf(ReactorLoadBalancerExchangeFilterFunction.class);
    });
    runner.withPropertyValues("spring.cloud.loadbalancer.enabled=false").run(context ->
        assertThat(context).doesNotHaveBean(MseLoadBalancerClient.class).doesNotHaveBean(MseLoadBalancerInterceptor.class)
            .doesNotHaveBean(MseLoadBalancedExchangeFilterFunction.class));
    runner.withPropertyValues("mse.enabled=false").run(context ->
        assertThat(context).doesNotHaveBean(MseLoadBalancerClient.class).doesNotHaveBean(MseLoadBalancerInterceptor.class));
  }

  @Test
  void standsBackForTheApplicationsOwnBeans() {
    runner.withUserConfiguration(OwnBeans.class).run(context -> {
      assertThat(context).doesNotHaveBean(MseLoadBalancerClient.class).doesNotHaveBean(MseLoadBalancerInterceptor.class)
          .doesNotHaveBean(MseLoadBalancedExchangeFilterFunction.class)
          .doesNotHaveBean("mseDeferringLoadBalancerInterceptor")
          .doesNotHaveBean("mseLoadBalancedRestTemplateCustomizer");
      assertThat(context.getBean(LoadBalancerClient.class)).isSameAs(OwnBeans.CLIENT);
    });
  }

  @Test
  void bindsTheLoadBalancerProperties() {
    runner.withPropertyValues("mse.loadbalancer.resource-naming=uri-template", "mse.loadbalancer.retry-non-idempotent=true")
        .run(context -> {
          MseProperties.LoadBalancer lb = context.getBean(MseProperties.class).getLoadbalancer();
          assertThat(lb.getResourceNaming()).isEqualTo(MseProperties.ResourceNaming.URI_TEMPLATE);
          assertThat(lb.isRetryNonIdempotent()).isTrue();
        });
  }

  /** Registers one instance of a new service and waits until the registry lists it. */
  private static String register(AssertableApplicationContext context, String ip, int port) {
    String service = "catalog-" + SERVICES.incrementAndGet();
    NamingService naming = context.getBean(NamingService.class);
    naming.registerInstance(service, Instance.of(ip, port));
    await().atMost(WAIT).until(() -> naming.selectInstances(service, "DEFAULT_GROUP", true).size() == 1);
    return service;
  }

  private static void assertEveryClientCallsTheRegisteredInstance(AssertableApplicationContext context) {
    String service = register(context, "10.0.0.7", 8080);
    String expected = "http://10.0.0.7:8080/stock?sku=1";
    String url = "http://" + service + "/stock?sku=1";

    RestTemplate restTemplate = context.getBean(RestTemplate.class);
    restTemplate.setRequestFactory(LoadBalancedClients.ECHO);
    RestClient restClient = context.getBean(RestClient.Builder.class).requestFactory(LoadBalancedClients.ECHO).build();
    WebClient webClient = context.getBean(WebClient.Builder.class).exchangeFunction(request -> Mono.just(
        ClientResponse.create(HttpStatus.OK).body(request.url().toString()).build())).build();

    assertThat(restTemplate.getInterceptors()).hasAtLeastOneElementOfType(MseLoadBalancerInterceptor.class);
    assertThat(restTemplate.getForObject(url, String.class)).isEqualTo(expected);
    assertThat(restClient.get().uri(url).retrieve().body(String.class)).isEqualTo(expected);
    assertThat(webClient.get().uri(url).retrieve().bodyToMono(String.class).block(WAIT)).isEqualTo(expected);
    assertThat(context.getBean(io.mse.client.governance.Governance.class).counters(service).successes()).isEqualTo(3);
  }

  @Configuration(proxyBeanMethods = false)
  static class LoadBalancedClients {

    /** A transport that answers 200 with the URL it was sent to. */
    static final ClientHttpRequestFactory ECHO = (URI uri, HttpMethod method) -> {
      MockClientHttpRequest request = new MockClientHttpRequest(method, uri);
      request.setResponse(new MockClientHttpResponse(uri.toString().getBytes(StandardCharsets.UTF_8), HttpStatus.OK));
      return request;
    };

    @Bean
    @LoadBalanced
    RestTemplate restTemplate() {
      return new RestTemplate();
    }

    @Bean
    @LoadBalanced
    RestClient.Builder restClientBuilder() {
      return RestClient.builder();
    }

    @Bean
    @LoadBalanced
    WebClient.Builder webClientBuilder() {
      return WebClient.builder();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnBeans {

    static final LoadBalancerClient CLIENT = new OwnLoadBalancerClient();

    @Bean
    LoadBalancerClient ownLoadBalancerClient() {
      return CLIENT;
    }

    @Bean
    BlockingLoadBalancerInterceptor ownInterceptor() {
      return (request, body, execution) -> execution.execute(request, body);
    }

    @Bean
    LoadBalancedExchangeFilterFunction ownFilter() {
      return (request, next) -> next.exchange(request);
    }
  }

  /** A client of the application's own, which does nothing. */
  static final class OwnLoadBalancerClient implements LoadBalancerClient {
    @Override
    public ServiceInstance choose(String serviceId) {
      return null;
    }

    @Override
    public <T> ServiceInstance choose(String serviceId, org.springframework.cloud.client.loadbalancer.Request<T> request) {
      return null;
    }

    @Override
    public <T> T execute(String serviceId, LoadBalancerRequest<T> request) throws IOException {
      return null;
    }

    @Override
    public <T> T execute(String serviceId, ServiceInstance serviceInstance, LoadBalancerRequest<T> request) {
      return null;
    }

    @Override
    public URI reconstructURI(ServiceInstance instance, URI original) {
      return original;
    }
  }
}

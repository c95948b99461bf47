package io.mse.client.spring.loadbalancer;

import io.mse.client.governance.Governance;
import io.mse.client.spring.MseAutoConfiguration;
import io.mse.client.spring.MseProperties;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.cloud.client.loadbalancer.BlockingLoadBalancerInterceptor;
import org.springframework.cloud.client.loadbalancer.DeferringLoadBalancerInterceptor;
import org.springframework.cloud.client.loadbalancer.LoadBalancerClient;
import org.springframework.cloud.client.loadbalancer.LoadBalancerRequestTransformer;
import org.springframework.cloud.client.loadbalancer.RestTemplateCustomizer;
import org.springframework.cloud.client.loadbalancer.reactive.DeferringLoadBalancerExchangeFilterFunction;
import org.springframework.cloud.client.loadbalancer.reactive.LoadBalancedExchangeFilterFunction;
import org.springframework.cloud.client.loadbalancer.reactive.LoadBalancerClientRequestTransformer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.http.client.ClientHttpRequestInterceptor;

/**
 * Governed load balancing: {@code @LoadBalanced} {@code RestTemplate}, {@code RestClient.Builder},
 * {@code RestTemplateBuilder} and {@code WebClient.Builder} (and Spring's HTTP service client
 * groups) call services through mse-client governance, and Spring Cloud's
 * {@link LoadBalancerClient} is {@link MseLoadBalancerClient}.
 *
 * <p>It runs before Spring Cloud's load-balancer auto-configurations and takes their seams:
 * <ul>
 *   <li>{@link MseLoadBalancerClient} as the {@link LoadBalancerClient} (Spring Cloud LoadBalancer's
 *       {@code BlockingLoadBalancerClient} then stands back). Its presence is also what turns Spring
 *       Cloud Commons' load-balancing auto-configuration on, so {@code spring-cloud-loadbalancer} is
 *       not needed;
 *   <li>{@link MseLoadBalancerInterceptor} behind a {@link DeferringLoadBalancerInterceptor} (the
 *       interceptor Spring Cloud's bean post-processors add to load-balanced {@code RestClient.Builder}
 *       and {@code RestTemplateBuilder} beans and HTTP service groups) and a
 *       {@link RestTemplateCustomizer} (applied to {@code @LoadBalanced RestTemplate} beans); Spring
 *       Cloud's own ones, retrying or not, stand back;
 *   <li>{@link MseLoadBalancedExchangeFilterFunction} as the primary
 *       {@link LoadBalancedExchangeFilterFunction}, which the deferring filter Spring Cloud adds to
 *       load-balanced {@code WebClient.Builder} beans resolves (Spring Cloud's reactive filter bean
 *       still exists, unused); a {@link DeferringLoadBalancerExchangeFilterFunction} of its own where
 *       Spring Cloud LoadBalancer is absent.
 * </ul>
 *
 * <p>Stands back when {@code mse.enabled}, {@code mse.loadbalancer.enabled} or
 * {@code spring.cloud.loadbalancer.enabled} is false (Spring Cloud LoadBalancer, if present, then
 * balances as usual), without Spring Cloud Commons or a {@link Governance} bean. Each bean stands
 * back when the application defines one of its type: its own {@link LoadBalancerClient},
 * {@link BlockingLoadBalancerInterceptor}, {@link RestTemplateCustomizer} or
 * {@link LoadBalancedExchangeFilterFunction}.
 */
@AutoConfiguration(after = MseAutoConfiguration.class, beforeName = {
    "org.springframework.cloud.client.loadbalancer.LoadBalancerAutoConfiguration",
    "org.springframework.cloud.loadbalancer.config.BlockingLoadBalancerClientAutoConfiguration",
    "org.springframework.cloud.client.loadbalancer.reactive.ReactorLoadBalancerClientAutoConfiguration",
    "org.springframework.cloud.client.loadbalancer.reactive.LoadBalancerBeanPostProcessorAutoConfiguration"})
@ConditionalOnClass(name = "org.springframework.cloud.client.loadbalancer.LoadBalancerClient")
@ConditionalOnProperty(prefix = MseProperties.PREFIX, name = {"enabled", "loadbalancer.enabled"}, havingValue = "true",
    matchIfMissing = true)
@ConditionalOnProperty(name = "spring.cloud.loadbalancer.enabled", havingValue = "true", matchIfMissing = true)
@ConditionalOnBean(Governance.class)
public class MseLoadBalancerAutoConfiguration {

  /**
   * Spring Cloud's load-balancer client and the blocking clients (RestTemplate, RestClient, their
   * builders, HTTP service groups); where spring-web is, as WebFlux applications have it too.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(ClientHttpRequestInterceptor.class)
  static class BlockingClients {

    /** Spring Cloud's load-balancer client over governance. */
    @Bean
    @ConditionalOnMissingBean(LoadBalancerClient.class)
    MseLoadBalancerClient mseLoadBalancerClient(Governance governance, MseProperties properties) {
      return new MseLoadBalancerClient(governance, properties);
    }

    /**
     * The threads that end a blocking call's wait at its timeout rule, closed with the context (its
     * attempts under way interrupted).
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    BlockingCallTimeouts mseBlockingCallTimeouts(MseProperties properties) {
      return new BlockingCallTimeouts(properties.getLoadbalancer().getMaxTimeoutThreads(),
          properties.getLoadbalancer().getMaxTimeoutThreadsPerService());
    }

    /** The governed interceptor, with Spring Cloud's request transformers. */
    @Bean
    @ConditionalOnMissingBean(BlockingLoadBalancerInterceptor.class)
    MseLoadBalancerInterceptor mseLoadBalancerInterceptor(Governance governance, MseProperties properties,
        ObjectProvider<LoadBalancerRequestTransformer> transformers, BlockingCallTimeouts timeouts) {
      return new MseLoadBalancerInterceptor(governance, properties, transformers.orderedStream().toList(), timeouts);
    }

    /**
     * The interceptor Spring Cloud adds to load-balanced builders, resolving ours on first use
     * (static: Spring Cloud's bean post-processors depend on it).
     */
    @Bean
    @ConditionalOnBean(MseLoadBalancerInterceptor.class)
    @ConditionalOnMissingBean(DeferringLoadBalancerInterceptor.class)
    static DeferringLoadBalancerInterceptor mseDeferringLoadBalancerInterceptor(
        ObjectProvider<MseLoadBalancerInterceptor> interceptor) {
      return new DeferringLoadBalancerInterceptor(blockingProvider(interceptor));
    }

    /** Adds our interceptor to {@code @LoadBalanced RestTemplate} beans, once, last. */
    @Bean
    @ConditionalOnBean(MseLoadBalancerInterceptor.class)
    @ConditionalOnMissingBean(RestTemplateCustomizer.class)
    RestTemplateCustomizer mseLoadBalancedRestTemplateCustomizer(ObjectProvider<MseLoadBalancerInterceptor> interceptor) {
      return restTemplate -> {
        MseLoadBalancerInterceptor governed = interceptor.getObject();
        List<ClientHttpRequestInterceptor> interceptors = new ArrayList<>(restTemplate.getInterceptors());
        if (!interceptors.contains(governed)) {
          interceptors.add(governed);
          restTemplate.setInterceptors(interceptors);
        }
      };
    }

    @SuppressWarnings("unchecked")
    private static ObjectProvider<BlockingLoadBalancerInterceptor> blockingProvider(
        ObjectProvider<? extends BlockingLoadBalancerInterceptor> provider) {
      // An ObjectProvider only hands objects out: one of a subtype is one of the type.
      return (ObjectProvider<BlockingLoadBalancerInterceptor>) provider;
    }
  }

  /**
   * Apache HttpClient 5 request factories built by Spring Boot 4 ({@code spring.http.clients.*}, its
   * first choice when httpclient5 is present): {@link HttpComponentsAbort} first in their exec chain,
   * so that an attempt cut off at its timeout aborts its exchange. Stands back on Spring Boot 3.5
   * (no such customizer) and without httpclient5.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = {"org.apache.hc.client5.http.impl.classic.HttpClientBuilder",
      "org.springframework.boot.http.client.HttpComponentsClientHttpRequestFactoryBuilder",
      "org.springframework.boot.http.client.autoconfigure.ClientHttpRequestFactoryBuilderCustomizer",
      "org.springframework.http.client.ClientHttpRequestInterceptor"})
  static class HttpComponentsTimeouts {

    /** Adds {@link HttpComponentsAbort} to the HttpClient 5 clients Boot's factory builder makes. */
    @Bean
    @ConditionalOnMissingBean(name = "mseHttpComponentsAbortCustomizer")
    org.springframework.boot.http.client.autoconfigure.ClientHttpRequestFactoryBuilderCustomizer<
        org.springframework.boot.http.client.HttpComponentsClientHttpRequestFactoryBuilder>
        mseHttpComponentsAbortCustomizer() {
      return builder -> builder.withHttpClientCustomizer(HttpComponentsAbort::install);
    }
  }

  /** The reactive client: WebClient. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = {"org.springframework.web.reactive.function.client.WebClient",
      "reactor.core.publisher.Mono"})
  static class ReactiveClients {

    /**
     * The governed filter, primary so that Spring Cloud's deferring filter resolves it rather than
     * its own reactive filter.
     */
    @Bean
    @Primary
    @ConditionalOnMissingBean(LoadBalancedExchangeFilterFunction.class)
    MseLoadBalancedExchangeFilterFunction mseLoadBalancedExchangeFilterFunction(Governance governance,
        MseProperties properties, ObjectProvider<LoadBalancerClientRequestTransformer> transformers) {
      return new MseLoadBalancedExchangeFilterFunction(governance, properties, transformers.orderedStream().toList());
    }

    /**
     * The filter Spring Cloud's bean post-processor adds to load-balanced {@code WebClient.Builder}s,
     * where Spring Cloud LoadBalancer (which defines its own, primary) is absent.
     */
    @Bean
    @ConditionalOnBean(MseLoadBalancedExchangeFilterFunction.class)
    @ConditionalOnMissingBean(DeferringLoadBalancerExchangeFilterFunction.class)
    static DeferringLoadBalancerExchangeFilterFunction<MseLoadBalancedExchangeFilterFunction>
        mseDeferringLoadBalancerExchangeFilterFunction(ObjectProvider<MseLoadBalancedExchangeFilterFunction> filter) {
      return new DeferringLoadBalancerExchangeFilterFunction<>(filter);
    }
  }
}

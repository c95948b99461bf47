/**
 * Governed load balancing for Spring Cloud: {@code @LoadBalanced} {@code RestTemplate},
 * {@code RestClient.Builder} and {@code WebClient.Builder} call services through mse-client
 * governance ({@link io.mse.client.spring.loadbalancer.MseLoadBalancerInterceptor},
 * {@link io.mse.client.spring.loadbalancer.MseLoadBalancedExchangeFilterFunction}), and Spring
 * Cloud's {@code LoadBalancerClient} is {@link io.mse.client.spring.loadbalancer.MseLoadBalancerClient};
 * wired by {@link io.mse.client.spring.loadbalancer.MseLoadBalancerAutoConfiguration}.
 *
 * <p>Nullness: parameters and return values are non-null unless documented as nullable.
 */
package io.mse.client.spring.loadbalancer;

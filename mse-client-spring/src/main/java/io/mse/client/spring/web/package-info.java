/**
 * Tag propagation: the tag (gray label) of an inbound request, its {@code x-mse-tag} header, kept
 * while the request is served ({@link io.mse.client.spring.web.MseTagServletFilter},
 * {@link io.mse.client.spring.web.MseTagWebFilter}), carried across {@code @Async} and executor
 * boundaries ({@link io.mse.client.spring.web.MseTagTaskDecorator}) and Reactor ones
 * ({@link io.mse.client.spring.web.ReactorTagContext},
 * {@link io.mse.client.spring.web.TagThreadLocalAccessor}), and sent on by the load-balanced clients
 * of {@code io.mse.client.spring.loadbalancer}.
 *
 * <p>Nullness: parameters and return values are non-null unless documented as nullable.
 */
package io.mse.client.spring.web;

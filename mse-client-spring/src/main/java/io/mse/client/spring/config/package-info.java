/**
 * {@code spring.config.import=mse:<dataId>} (and Spring Cloud Alibaba's {@code nacos:}) through
 * Spring Boot's ConfigData API, with live refresh: {@link io.mse.client.spring.config.MseConfigDataLocationResolver}
 * resolves imports, {@link io.mse.client.spring.config.MseConfigDataLoader} loads each into one
 * {@link io.mse.client.spring.config.MseConfigPropertySource}, and a change of a refreshable config
 * replaces that property source in place and switches the beans with it in one short step: the
 * {@code @ConfigurationProperties} beans it concerns bound off to the side into fresh instances
 * first, then copied onto the live ones, then the refresh scope cleared (see
 * {@code MseConfigRefresher}). The client the imports use is the application context's
 * {@code MseClient} bean.
 *
 * <p>Classes that run while config data is processed log through Spring Boot's
 * {@code DeferredLogFactory} (commons-logging), not SLF4J: the logging system is not set up yet at
 * that phase, and deferred lines are written once it is.
 *
 * <p>Nullness: parameters and return values are non-null unless documented as nullable.
 */
package io.mse.client.spring.config;

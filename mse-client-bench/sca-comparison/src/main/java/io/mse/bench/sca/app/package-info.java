/**
 * The application the comparison forks, the same code on Spring Cloud Alibaba and on
 * mse-client-spring: the class path chooses the stack.
 */
package io.mse.bench.sca.app;

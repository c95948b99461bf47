/**
 * The Spring Boot shop's launcher ({@link io.mse.examples.shop.SpringBootShop}): starts the shop's
 * applications in one JVM and drives them. The applications are in the {@code order},
 * {@code inventory} and {@code payment} sub-packages, each a {@code @SpringBootApplication} of its own.
 */
package io.mse.examples.shop;

/** order-service of the Spring Boot shop. */
package io.mse.examples.shop.order;

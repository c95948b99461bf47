/** payment-service of the Spring Boot shop. */
package io.mse.examples.shop.payment;

/** inventory-service of the Spring Boot shop. */
package io.mse.examples.shop.inventory;

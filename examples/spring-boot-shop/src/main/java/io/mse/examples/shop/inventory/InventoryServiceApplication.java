package io.mse.examples.shop.inventory;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * inventory-service: answers {@code GET /stock/{item}}. Registers as {@code inventory-service} with
 * its {@code version} label ({@code mse.discovery.metadata.version}, v1 in
 * {@code inventory-service.yaml}; the canary instance is started with v2).
 */
@SpringBootApplication
public class InventoryServiceApplication {

  /** Starts one instance on its own (the shop's launcher starts it with {@code spring.config.name}). */
  public static void main(String[] args) {
    SpringApplication.run(InventoryServiceApplication.class, args);
  }
}

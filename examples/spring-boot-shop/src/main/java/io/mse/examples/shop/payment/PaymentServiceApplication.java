package io.mse.examples.shop.payment;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** payment-service: charges orders ({@code POST /payments}) in the shop's currency. */
@SpringBootApplication
public class PaymentServiceApplication {

  /** Starts the service on its own (the shop's launcher starts it with {@code spring.config.name}). */
  public static void main(String[] args) {
    SpringApplication.run(PaymentServiceApplication.class, args);
  }
}

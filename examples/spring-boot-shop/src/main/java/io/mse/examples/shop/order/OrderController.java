package io.mse.examples.shop.order;

import io.mse.examples.shop.api.OrderReceipt;
import io.mse.examples.shop.api.Payment;
import io.mse.examples.shop.api.PaymentRequest;
import io.mse.examples.shop.api.Stock;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

/**
 * Places an order: stock and price from inventory-service, the charge from payment-service, each
 * called by service name. The inbound {@code x-mse-tag} header goes along on both calls (mse-client's
 * tag propagation), so a {@code gray} order reaches the canary.
 */
@RestController
class OrderController {

  private final AtomicLong orders = new AtomicLong();
  private final RestClient services;
  private final PromotionProperties promotion;

  OrderController(@LoadBalanced RestClient.Builder loadBalanced, PromotionProperties promotion) {
    this.services = loadBalanced.build();
    this.promotion = promotion;
  }

  @PostMapping("/orders")
  OrderReceipt place(@RequestParam String item, @RequestParam int quantity) {
    String orderId = "order-" + orders.incrementAndGet();
    Stock stock = services.get().uri("http://inventory-service/stock/{item}", item).retrieve().body(Stock.class);
    int discount = promotion.getDiscountPercent();
    long total = stock.unitPriceCents() * quantity * (100 - discount) / 100;
    Payment payment = services.post().uri("http://payment-service/payments")
        .body(new PaymentRequest(orderId, total)).retrieve().body(Payment.class);
    return new OrderReceipt(orderId, item, quantity, total, payment.currency(), discount, stock, payment);
  }
}

package io.mse.examples.shop;

import io.mse.client.governance.TagContext;
import io.mse.examples.shop.api.OrderReceipt;
import org.springframework.web.client.RestClient;

/**
 * The shop's customer: places orders with order-service over HTTP ({@code POST /orders}), optionally
 * tagged ({@code x-mse-tag}). Thread-safe (the client is).
 */
final class Shopper {

  private final RestClient orderService;

  /** @param address order-service's {@code host:port}, as found in the registry */
  Shopper(String address) {
    this.orderService = RestClient.builder().baseUrl("http://" + address).build();
  }

  /**
   * Places an order and returns order-service's receipt.
   *
   * @param tag the {@code x-mse-tag} to send, or null for none
   * @throws org.springframework.web.client.RestClientException when order-service fails the order
   */
  OrderReceipt order(String item, int quantity, String tag) {
    RestClient.RequestBodySpec request = orderService.post()
        .uri(b -> b.path("/orders").queryParam("item", item).queryParam("quantity", quantity).build());
    if (tag != null) {
      request.header(TagContext.HEADER, tag);
    }
    return request.retrieve().body(OrderReceipt.class);
  }

  /** One line for the output: what was charged and who served it. */
  static String describe(OrderReceipt r) {
    return String.format("%s: %d x %s = %s %s (%d%% off), stock from %s (%s, tag %s), paid by payment-service (tag %s)",
        r.orderId(), r.quantity(), r.item(), money(r.totalCents()), r.currency(), r.discountPercent(),
        r.stock().answeredBy(), r.stock().version(), r.stock().tag(), r.payment().tag());
  }

  static String money(long cents) {
    return String.format("%d.%02d", cents / 100, cents % 100);
  }
}

package io.mse.examples.shop.api;

/**
 * order-service's answer to {@code POST /orders}: what it charged and which instances served it.
 *
 * @param orderId the order's id
 * @param item the item ordered
 * @param quantity how many
 * @param totalCents the total charged, in cents, after the discount
 * @param currency the currency payment-service charged in
 * @param discountPercent the promotion's discount in force when the order was priced
 * @param stock inventory-service's answer (which instance, which version, the tag it received)
 * @param payment payment-service's answer (the tag it received)
 */
public record OrderReceipt(String orderId, String item, int quantity, long totalCents, String currency,
    int discountPercent, Stock stock, Payment payment) {}

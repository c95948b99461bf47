package io.mse.examples.shop.api;

/**
 * What order-service asks payment-service to charge ({@code POST /payments}).
 *
 * @param orderId the order's id
 * @param amountCents the amount, in cents of the shop's currency
 */
public record PaymentRequest(String orderId, long amountCents) {}

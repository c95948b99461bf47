package io.mse.examples.shop.api;

/**
 * payment-service's answer: the charge made.
 *
 * @param paymentId the payment's id
 * @param amountCents the amount charged, in cents
 * @param currency the shop's currency, from the shared config ({@code shop.currency})
 * @param tag the {@code x-mse-tag} header the request carried, {@code -} when none
 */
public record Payment(String paymentId, long amountCents, String currency, String tag) {}

package io.mse.examples.shop.api;

/**
 * inventory-service's answer to {@code GET /stock/{item}}.
 *
 * @param item the item asked for
 * @param available how many are in stock
 * @param unitPriceCents the price of one, in cents
 * @param answeredBy the instance that answered ({@code inventory-v1}, {@code inventory-v2})
 * @param version the instance's {@code version} metadata label
 * @param tag the {@code x-mse-tag} header the request carried, {@code -} when none
 */
public record Stock(String item, int available, long unitPriceCents, String answeredBy, String version, String tag) {}

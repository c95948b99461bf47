package io.mse.examples.dubboshop;

import io.mse.client.governance.TagContext;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One catalog instance: answers with its release, the tag the call carried (read from mse-client's
 * {@link TagContext}, where the mse provider filter puts the caller's {@code dubbo.tag}) and counts the
 * calls that reached it, so the demo can show which calls governance kept from the provider. Thread-safe.
 */
final class Catalog implements ProductService {

  private final String release;
  private final AtomicInteger stockCalls = new AtomicInteger();
  private final AtomicInteger checkoutCalls = new AtomicInteger();

  /** @param release the release label this instance registers with ({@code release=<release>}) */
  Catalog(String release) {
    this.release = release;
  }

  String release() {
    return release;
  }

  /** The calls of {@link #stock} that reached this instance. */
  int stockCalls() {
    return stockCalls.get();
  }

  /** The calls of {@link #checkout} that reached this instance. */
  int checkoutCalls() {
    return checkoutCalls.get();
  }

  @Override
  public String quote(String sku) {
    String tag = TagContext.current();
    return release + " (tag " + (tag == null ? "none" : tag) + "): " + sku + " costs "
        + ("v2".equals(release) ? "11.90" : "12.50");
  }

  @Override
  public String stock(String sku) {
    stockCalls.incrementAndGet();
    return release + ": 7 x " + sku + " in stock";
  }

  @Override
  public String checkout(String cart) {
    checkoutCalls.incrementAndGet();
    throw new PaymentUnavailableException("payment gateway unavailable (" + release + ")");
  }
}

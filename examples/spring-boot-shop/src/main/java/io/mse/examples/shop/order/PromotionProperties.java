package io.mse.examples.shop.order;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code shop.promotion.*} from the shared config {@code shop-shared.yaml}: rebound in place when the
 * config changes (a mutable bean: constructor-bound properties are not rebound). Read by request
 * threads while a refresh may write it, so the field is volatile.
 */
@ConfigurationProperties("shop.promotion")
public class PromotionProperties {

  /** Percent taken off every order, 0 to 100. */
  private volatile int discountPercent;

  public int getDiscountPercent() {
    return discountPercent;
  }

  public void setDiscountPercent(int discountPercent) {
    if (discountPercent < 0 || discountPercent > 100) {
      throw new IllegalArgumentException("shop.promotion.discount-percent '" + discountPercent
          + "' is invalid: it must be 0 to 100");
    }
    this.discountPercent = discountPercent;
  }
}

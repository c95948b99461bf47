package io.mse.examples.dubboshop;

/**
 * The shop's catalog as a Dubbo service, served by two instances of the {@code catalog} application
 * (releases {@code v1} and {@code v2}) and called by {@code shop-frontend}. Each answer starts with the
 * release that served it, so the caller can count where its calls went.
 *
 * <p>In governance rules the service is this interface's name and a method's resource is
 * {@code <interface>#<method>} ({@link #QUOTE}, {@link #STOCK}, {@link #CHECKOUT}).
 */
public interface ProductService {

  /** The service's name in governance rules and in the registry: the interface. */
  String SERVICE = ProductService.class.getName();
  /** The resource of {@link #quote}. */
  String QUOTE = SERVICE + "#quote";
  /** The resource of {@link #stock}. */
  String STOCK = SERVICE + "#stock";
  /** The resource of {@link #checkout}. */
  String CHECKOUT = SERVICE + "#checkout";

  /**
   * Returns {@code "<release> (tag <tag>): <sku> costs <price>"}: the release that answered and the tag
   * it received with the call ({@code none} when none).
   *
   * @param sku a product code, not null
   */
  String quote(String sku);

  /**
   * Returns {@code "<release>: <n> x <sku> in stock"}.
   *
   * @param sku a product code, not null
   */
  String stock(String sku);

  /**
   * Places an order; in this shop the payment gateway behind it is down, so it always throws
   * {@link PaymentUnavailableException}. (Declared, so that Dubbo's provider-side exception filter passes
   * it on as it is without logging it as an undeclared error.)
   *
   * @param cart the cart to pay for, not null
   * @return never
   * @throws PaymentUnavailableException always
   */
  String checkout(String cart) throws PaymentUnavailableException;
}

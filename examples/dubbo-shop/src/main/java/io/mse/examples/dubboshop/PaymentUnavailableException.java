package io.mse.examples.dubboshop;

/**
 * What {@link ProductService#checkout} throws when the payment gateway behind it cannot be reached: a
 * business exception the provider's method throws, which reaches the caller as it is.
 */
public class PaymentUnavailableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** @param message what could not be paid and why */
  public PaymentUnavailableException(String message) {
    super(message);
  }
}

package io.mse.client.naming;

import io.mse.client.MseException;

/** No selectable (healthy, enabled, positive weight) instance of a service is known. */
public class NoInstanceAvailableException extends MseException {

  private static final long serialVersionUID = 1L;

  /**
   * @param service the service that has no selectable instance, as {@code namespace/group@@service}
   * @param message the explanation
   */
  public NoInstanceAvailableException(String service, String message) {
    super(service, message);
  }
}

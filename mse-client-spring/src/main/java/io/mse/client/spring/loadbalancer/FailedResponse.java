package io.mse.client.spring.loadbalancer;

/**
 * An attempt whose response counts as a failure (status 5xx): thrown inside a governed call so that
 * governance records and retries it, and caught by the adapter, which then returns the response
 * itself. Carries no stack trace.
 */
final class FailedResponse extends Exception {

  private static final long serialVersionUID = 1L;

  FailedResponse(int status) {
    super("HTTP " + status, null, false, false);
  }
}

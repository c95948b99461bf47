package io.mse.client.spring.loadbalancer;

import io.mse.client.governance.Governance;
import io.mse.client.governance.GovernedCall;
import io.mse.client.governance.GovernedRequest;
import java.io.IOException;
import org.springframework.http.client.ClientHttpResponse;

/**
 * A blocking HTTP call run whole under {@link Governance#call}, for the interceptor and the
 * load-balancer client: an attempt answered with a {@link ClientHttpResponse} of status 5xx is a
 * failure (recorded, retried); when every attempt failed, the last failed response is the answer;
 * superseded failed responses are closed. Stateless.
 */
final class BlockingGovernedCalls {

  private BlockingGovernedCalls() {}

  /**
   * Runs {@code attempt} under governance.
   *
   * @return the successful attempt's result, or the last failed response
   * @throws IOException the last attempt's {@link IOException}, or another checked exception wrapped
   * @throws io.mse.client.MseException subtypes: the refusals of governance, unwrapped
   */
  static <T> T call(Governance governance, GovernedRequest request, GovernedCall<T> attempt) throws IOException {
    Object[] lastFailed = new Object[1];
    try {
      return governance.call(request, instance -> {
        close(lastFailed[0]);
        lastFailed[0] = null;
        T result = attempt.call(instance);
        if (result instanceof ClientHttpResponse response && response.getStatusCode().is5xxServerError()) {
          lastFailed[0] = result;
          throw new FailedResponse(response.getStatusCode().value());
        }
        return result;
      });
    } catch (FailedResponse failed) {
      @SuppressWarnings("unchecked")
      T response = (T) lastFailed[0];
      lastFailed[0] = null;
      return response;
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    } finally {
      close(lastFailed[0]);
    }
  }

  private static void close(Object result) {
    if (result instanceof ClientHttpResponse response) {
      response.close();
    }
  }
}

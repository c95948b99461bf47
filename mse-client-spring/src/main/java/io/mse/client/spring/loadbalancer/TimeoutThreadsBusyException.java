package io.mse.client.spring.loadbalancer;

import io.mse.client.governance.CallTimeoutException;
import java.time.Duration;

/**
 * A load-balanced RestTemplate / RestClient call under a timeout rule found no thread of
 * {@link BlockingCallTimeouts} free within its timeout: its service's share
 * ({@code mse.loadbalancer.max-timeout-threads-per-service}) or all of them
 * ({@code mse.loadbalancer.max-timeout-threads}) were busy, usually with attempts that outlived their
 * timeout on a request factory that cannot abort them. Thrown for a call's first attempt before
 * governance is asked, so nothing is sent and nothing is recorded against any instance. Thrown too
 * when a retry finds no thread ({@link #retry()}): an earlier attempt was sent, timed out and is
 * recorded as such, but the retry is not sent and nothing is recorded against the instance chosen for
 * it, which was never contacted; no further attempt is made. A {@link CallTimeoutException}: the
 * caller waited its timeout and has no answer.
 */
public class TimeoutThreadsBusyException extends CallTimeoutException {

  private static final long serialVersionUID = 1L;

  private final String message;
  private final boolean retry;

  /**
   * For a call's first attempt, nothing sent; as {@code this(resource, service, timeout, busy, false)}.
   *
   * @param resource the call's resource
   * @param service the call's service
   * @param timeout how long the call waited for a thread (its timeout rule)
   * @param busy what was full, e.g. "all 4 threads of service 'x''s share"
   */
  public TimeoutThreadsBusyException(String resource, String service, Duration timeout, String busy) {
    this(resource, service, timeout, busy, false);
  }

  /**
   * @param resource the call's resource
   * @param service the call's service
   * @param timeout how long the attempt waited for a thread (its timeout rule)
   * @param busy what was full, e.g. "all 4 threads of service 'x''s share"
   * @param retry whether a retry found no thread (an earlier attempt was sent and timed out), rather
   *     than the call's first attempt (nothing sent)
   */
  public TimeoutThreadsBusyException(String resource, String service, Duration timeout, String busy, boolean retry) {
    super(resource, timeout, timeout);
    this.retry = retry;
    this.message = (retry ? "retry of the call to '" + resource + "' not sent (the previous attempt timed out)"
        : "call to '" + resource + "' not sent") + ": no thread free within its timeout of " + timeout.toMillis()
        + " ms (" + busy + " busy with attempts of service '" + service
        + "', likely still running after their timeout on a request factory that cannot abort them)";
  }

  /**
   * Returns whether a retry found no thread (an earlier attempt was sent, timed out and was recorded),
   * rather than the call's first attempt (nothing sent at all).
   */
  public boolean retry() {
    return retry;
  }

  @Override
  public String getMessage() {
    return message;
  }
}

package io.mse.client;

/**
 * Root of the runtime refusals of mse-client: the server cannot be reached, authentication failed,
 * no instance is available, a call was rate limited or its circuit is open. Programming mistakes
 * are reported with {@link IllegalArgumentException}, {@link IllegalStateException} or
 * {@link NullPointerException} instead.
 *
 * <p>Every refusal names the resource it concerns (a server address, a config key, a service),
 * available from {@link #resource()}. Instances are immutable and thread-safe.
 */
public class MseException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String resource;

  /**
   * @param resource the resource the refusal concerns, for example {@code "DEFAULT_GROUP@@payment"}; not null
   * @param message a human readable explanation; not null
   */
  public MseException(String resource, String message) {
    super(message);
    this.resource = resource;
  }

  /**
   * @param resource the resource the refusal concerns; not null
   * @param message a human readable explanation; not null
   * @param cause the underlying fault; may be null
   */
  public MseException(String resource, String message, Throwable cause) {
    super(message, cause);
    this.resource = resource;
  }

  /** Returns the resource this refusal concerns: a server address, config key or service name; never null. */
  public String resource() {
    return resource;
  }
}

package io.mse.client;

/**
 * The server answered and refused the request for a reason of its own: a parameter it does not
 * accept (HTTP 400), a resource it does not have, an operation it no longer serves. Unlike
 * {@link ServerUnavailableException} the server is there and another server of the same cluster would
 * answer the same, so the request is not retried elsewhere; unlike {@link AuthenticationException}
 * the credentials are not the problem.
 *
 * <p>{@link #resource()} names the config key, service or namespace refused; {@link #server()} the
 * server that refused it; {@link #status()} its HTTP status (or the error code of a wrapped answer);
 * {@link #reason()} the server's own words, abbreviated. The message holds all of them and never a
 * secret. Immutable and thread-safe.
 */
public class RequestRefusedException extends MseException {

  private static final long serialVersionUID = 1L;

  private final String server;
  private final int status;
  private final String reason;

  /**
   * @param resource the config key, service or namespace refused; not null
   * @param server the server that refused it, e.g. {@code http://10.0.0.1:8848}; not null
   * @param status the server's HTTP status, or its error code when the answer wraps one
   * @param action what was refused, e.g. {@code "publish the config"}; not null
   * @param reason the server's own explanation, abbreviated; not null, may be empty
   */
  public RequestRefusedException(String resource, String server, int status, String action, String reason) {
    super(resource, "Nacos server " + server + " refused to " + action + " '" + resource + "': HTTP " + status
        + (reason.isEmpty() ? "" : " " + reason));
    this.server = server;
    this.status = status;
    this.reason = reason;
  }

  /** The server that refused the request, as the client addressed it; never null. */
  public String server() {
    return server;
  }

  /** The server's HTTP status, or the error code of a wrapped answer. */
  public int status() {
    return status;
  }

  /** The server's explanation, abbreviated; never null, may be empty. */
  public String reason() {
    return reason;
  }
}

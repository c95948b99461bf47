package io.mse.client;

/**
 * The engine's server could not be reached or answered with a server fault (connection refused,
 * timeout, 5xx, lost session) within the request's deadline. {@link #resource()} names what was
 * being read or written; the message names the server address.
 */
public class ServerUnavailableException extends MseException {

  private static final long serialVersionUID = 1L;

  public ServerUnavailableException(String resource, String message) {
    super(resource, message);
  }

  public ServerUnavailableException(String resource, String message, Throwable cause) {
    super(resource, message, cause);
  }
}

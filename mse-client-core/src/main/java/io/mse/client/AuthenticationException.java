package io.mse.client;

/**
 * The server refused the client's identity or rights: wrong username or password, a server that
 * requires a login while the client has no credentials, or a user without permission on the
 * resource. Retrying the same call will not help; the credentials or the server's permissions must
 * change. {@link #resource()} names the server or the resource refused. The message never contains
 * a password or a token. Immutable and thread-safe.
 */
public class AuthenticationException extends MseException {

  private static final long serialVersionUID = 1L;

  /**
   * @param resource the server address or resource refused; not null
   * @param message what was refused and what to do about it; not null, free of secrets
   */
  public AuthenticationException(String resource, String message) {
    super(resource, message);
  }
}

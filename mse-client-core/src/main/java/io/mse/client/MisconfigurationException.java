package io.mse.client;

/**
 * The client's settings do not fit the server, a fault that no retry can heal and that is therefore
 * reported at once instead of being retried until the request's deadline: a certificate the client
 * does not trust, a certificate for another host name, {@code https://} spoken to a plain HTTP port or
 * plain HTTP to a TLS port, a context path at which no server API answers. The message names the
 * server, the cause and the setting that fixes it ({@link #setting()}). Unlike
 * {@link ServerUnavailableException} it is not a reason to serve snapshots: the server may be up and
 * well, the client cannot talk to it as configured.
 *
 * <p>{@link #resource()} names what was being read or written (a config key, a service), {@link #server()}
 * the server as the client addressed it. Immutable and thread-safe.
 */
public class MisconfigurationException extends MseException {

  private static final long serialVersionUID = 1L;

  private final String server;
  private final String setting;

  /**
   * @param resource what the failed request was about; not null
   * @param server the server as addressed, e.g. {@code https://10.0.0.1:8848}; not null
   * @param setting the client setting that fixes it, e.g. {@code nacos.tls.trustStore}; not null
   * @param message the cause and the fix, naming the server and the setting; not null
   * @param cause the transport's own exception, if any; may be null
   */
  public MisconfigurationException(String resource, String server, String setting, String message, Throwable cause) {
    super(resource, message, cause);
    this.server = server;
    this.setting = setting;
  }

  /** The server the client could not talk to as configured; never null. */
  public String server() {
    return server;
  }

  /**
   * The name of the setting that fixes it: {@code serverAddr}, {@code nacos.tls.trustStore},
   * {@code nacos.contextPath}; never null.
   */
  public String setting() {
    return setting;
  }
}

package io.mse.client.spring.config;

import io.mse.client.MseException;
import org.springframework.boot.context.config.ConfigDataException;

/**
 * A required import could not be read: no server answered and no snapshot of the config exists,
 * the server refused the credentials, or refused the request. Fails the start; Spring Boot reports
 * it through {@link MseConfigDataFailureAnalyzer}. (A config the server says does not exist is a
 * {@link org.springframework.boot.context.config.ConfigDataResourceNotFoundException} instead.)
 */
public final class MseConfigDataUnavailableException extends ConfigDataException {

  private static final long serialVersionUID = 1L;

  private final transient MseConfigDataResource resource;

  /**
   * @param resource the import that could not be read
   * @param cause the client's refusal, which names the reason
   */
  public MseConfigDataUnavailableException(MseConfigDataResource resource, MseException cause) {
    super(resource + " could not be read: " + cause.getMessage(), cause);
    this.resource = resource;
  }

  /** Returns the import that could not be read. */
  public MseConfigDataResource resource() {
    return resource;
  }
}

package io.mse.client.spring.config;

import io.mse.client.AuthenticationException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a start that failed because a required {@code mse:} import could not be read, naming
 * the config (dataId, group, namespace, server) and what to check. Registered in
 * {@code META-INF/spring.factories}.
 */
public final class MseConfigDataFailureAnalyzer extends AbstractFailureAnalyzer<MseConfigDataUnavailableException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, MseConfigDataUnavailableException cause) {
    String action = cause.getCause() instanceof AuthenticationException
        ? "Check mse.username and mse.password (or spring.cloud.nacos.config.username/password) and the user's"
            + " permission on the namespace."
        : "Check that mse.server-addr names a running server this application can reach, or make the import"
            + " optional ('optional:mse:...') to start without it; a config read once before is served from"
            + " the snapshot directory (mse.snapshot-dir) while the server cannot be reached.";
    return new FailureAnalysis(cause.getMessage(), action, cause);
  }
}

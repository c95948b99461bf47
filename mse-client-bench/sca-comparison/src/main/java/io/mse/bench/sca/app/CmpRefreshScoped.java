package io.mse.bench.sca.app;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.cloud.context.config.annotation.RefreshScope;
import org.springframework.stereotype.Component;

/** A {@code @RefreshScope} bean built with {@code cmp.value}: rebuilt after a refresh. */
@Component
@RefreshScope
public class CmpRefreshScoped {

  private final String value;

  public CmpRefreshScoped(@Value("${cmp.value:none}") String value) {
    this.value = value;
  }

  public String value() {
    return value;
  }
}

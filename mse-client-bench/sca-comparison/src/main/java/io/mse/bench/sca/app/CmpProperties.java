package io.mse.bench.sca.app;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code cmp.value} of the imported config, rebound on a refresh by whichever stack runs. */
@ConfigurationProperties("cmp")
public class CmpProperties {

  /** The value the driver publishes ({@code v<i>}); "none" before any. */
  private volatile String value = "none";

  public String getValue() {
    return value;
  }

  public void setValue(String value) {
    this.value = value;
  }
}

package io.mse.bench.dubbo;

/** The service the Dubbo overhead harness calls. */
public interface Echo {

  /** Returns {@code text}. */
  String echo(String text);
}

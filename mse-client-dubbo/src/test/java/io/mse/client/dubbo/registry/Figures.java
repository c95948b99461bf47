package io.mse.client.dubbo.registry;

import java.util.Locale;

/** Prints a measured figure so that the build log keeps it; figures are reported, never asserted. */
public final class Figures {

  private Figures() {}

  /** Prints {@code [figure] what: N.N ms}. */
  public static void record(String what, long nanos) {
    System.err.println(String.format(Locale.ROOT, "[figure] %s: %.1f ms", what, nanos / 1_000_000.0));
  }
}

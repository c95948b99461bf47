package io.mse.client.dubbo.governance;

/** A service that calls {@link Greeter} on its own: the middle hop of a call chain. */
public interface Relay {

  /** Returns "relay saw T1, greeter saw T2": the tags the relay and the next hop saw. */
  String relay();
}

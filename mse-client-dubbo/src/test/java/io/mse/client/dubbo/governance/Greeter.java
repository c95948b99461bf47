package io.mse.client.dubbo.governance;

/** The service the tests call. */
public interface Greeter {

  /** The service's name in governance rules: the interface. */
  String SERVICE = Greeter.class.getName();

  /** The resource of {@link #hello}. */
  String HELLO = SERVICE + "#hello";

  /** Returns the provider's label and the greeting. */
  String hello(String name);

  /** As {@link #hello}, asynchronously: a call Dubbo makes in its async mode. */
  java.util.concurrent.CompletableFuture<String> helloAsync(String name);

  /** Returns the tag the provider sees in its {@link io.mse.client.governance.TagContext}; "none" when none. */
  String tagSeen();

  /** Sleeps {@code millis}, then returns the provider's label. */
  String slow(int millis);

  /** Throws the business exception {@link IllegalStateException}. */
  String broken();
}

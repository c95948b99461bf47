package io.mse.client.dubbo.testing;

import java.util.List;

/** The service of the Dubbo tests: answers with the tag of the provider that served the call. */
public interface Greeter {

  /** Returns {@code <tag>:<name>}. */
  String greet(String name);

  /** Returns {@code [<tag>]}; with {@code merger=true}, a consumer of several groups gets every group's tag. */
  List<String> tags();
}

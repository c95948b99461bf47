package io.mse.client.dubbo.testing;

import java.util.List;

/** A {@link Greeter} answering with a fixed tag. */
public final class TaggedGreeter implements Greeter {

  private final String tag;

  public TaggedGreeter(String tag) {
    this.tag = tag;
  }

  @Override
  public String greet(String name) {
    return tag + ":" + name;
  }

  @Override
  public List<String> tags() {
    return List.of(tag);
  }
}

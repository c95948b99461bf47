package io.mse.client.dubbo.registry;

import static org.apache.dubbo.common.constants.CommonConstants.ANY_VALUE;
import static org.apache.dubbo.common.constants.CommonConstants.GROUP_KEY;
import static org.apache.dubbo.common.constants.CommonConstants.INTERFACE_KEY;
import static org.apache.dubbo.common.constants.CommonConstants.VERSION_KEY;
import static org.apache.dubbo.common.constants.RegistryConstants.DEFAULT_CATEGORY;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.apache.dubbo.common.URL;

/**
 * The registry service name of an interface-level Dubbo service, as {@code dubbo-registry-nacos}
 * 3.3 spells it: {@code category:interface:version:group}, every separator kept when a part is empty
 * ({@code providers:org.foo.DemoService::}), and {@code $} (of nested classes) written {@code ___}
 * because a Nacos service name may not hold it.
 *
 * <p>A subscription's name may be a pattern: a version or group of {@code *} (any) or a comma-separated
 * list ({@code 1.0,2.0}), or an interface of {@code *}. It is matched against the concrete names of the
 * registry by the rules of Dubbo's Nacos registry ({@link #accepts}); the Dubbo URLs of the matching
 * instances are then filtered by Dubbo's own {@code UrlUtils.isMatch}, which is what decides in the
 * end (and which matches a version only exactly or by {@code *}).
 *
 * @param category {@code providers}, {@code consumers}, ...
 * @param serviceInterface the interface name, or {@code *}
 * @param version "" when none
 * @param group "" when none
 */
record DubboServiceName(String category, String serviceInterface, String version, String group) {

  /** The separator of the parts: {@value}. */
  static final String SEPARATOR = ":";
  private static final String NESTED_CLASS = "$";
  private static final String NESTED_CLASS_IN_NAME = "___";

  DubboServiceName {
    Objects.requireNonNull(category, "category");
    Objects.requireNonNull(serviceInterface, "serviceInterface");
    version = version == null ? "" : version;
    group = group == null ? "" : group;
  }

  /** The name a provider (or consumer) URL is registered under, in its own category. */
  static DubboServiceName registered(URL url) {
    return new DubboServiceName(url.getCategory(DEFAULT_CATEGORY), url.getServiceInterface(),
        url.getVersion(""), url.getGroup(""));
  }

  /**
   * The name a subscription looks for: the providers of the URL's interface, version and group (which
   * may be patterns); for an interface of {@code *}, the URL's own category.
   */
  static DubboServiceName subscribed(URL url) {
    String serviceInterface = url.getParameter(INTERFACE_KEY, url.getServiceInterface());
    String category = isConcrete(serviceInterface) ? DEFAULT_CATEGORY : url.getCategory(DEFAULT_CATEGORY);
    return new DubboServiceName(category, serviceInterface, url.getParameter(VERSION_KEY, ""),
        url.getParameter(GROUP_KEY, ""));
  }

  /** Parses a registry service name; empty when it is not made of four parts. */
  static Optional<DubboServiceName> parse(String serviceName) {
    String[] parts = serviceName.split(SEPARATOR, -1);
    if (parts.length != 4) {
      return Optional.empty();
    }
    return Optional.of(new DubboServiceName(parts[0], parts[1].replace(NESTED_CLASS_IN_NAME, NESTED_CLASS), parts[2],
        parts[3]));
  }

  /** The registry's name: {@code category:interface:version:group}, {@code $} written {@code ___}. */
  String value() {
    return category + SEPARATOR + serviceInterface.replace(NESTED_CLASS, NESTED_CLASS_IN_NAME) + SEPARATOR + version
        + SEPARATOR + group;
  }

  /**
   * The name Dubbo's Nacos registry also registers under with {@code nacos.register-compatible=true}:
   * {@code category:interface[:version][:group]}, empty parts left out.
   */
  String compatibleValue() {
    StringBuilder name = new StringBuilder(category).append(SEPARATOR)
        .append(serviceInterface.replace(NESTED_CLASS, NESTED_CLASS_IN_NAME));
    if (!version.isBlank()) {
      name.append(SEPARATOR).append(version);
    }
    if (!group.isBlank()) {
      name.append(SEPARATOR).append(group);
    }
    return name.toString();
  }

  /** Whether no part is a pattern: the name is looked up as it is. */
  boolean isConcrete() {
    return isConcrete(serviceInterface) && isConcrete(version) && isConcrete(group);
  }

  /**
   * Whether the concrete registry name {@code registered} matches this pattern: the same category (or
   * one of a comma-separated list; any for {@code *}) and interface (any for {@code *}); then a version
   * or group of {@code *} accepts every version and group, a comma-separated list accepts its members,
   * an empty one in a pattern accepts any, and otherwise they must be equal.
   */
  boolean accepts(DubboServiceName registered) {
    if (!registered.isConcrete()) {
      return false;
    }
    if (!matches(category, registered.category) || !matchesInterface(registered.serviceInterface)) {
      return false;
    }
    if (ANY_VALUE.equals(version) || ANY_VALUE.equals(group)) {
      return true;
    }
    return matches(version, registered.version) && matches(group, registered.group);
  }

  private boolean matchesInterface(String other) {
    return ANY_VALUE.equals(serviceInterface) || serviceInterface.equals(other);
  }

  private static boolean matches(String pattern, String value) {
    if (pattern.equals(value) || pattern.isBlank() || ANY_VALUE.equals(pattern)) {
      return true;
    }
    return isRange(pattern) && Arrays.asList(pattern.split(",")).contains(value);
  }

  private static boolean isConcrete(String part) {
    return !ANY_VALUE.equals(part) && !isRange(part);
  }

  private static boolean isRange(String part) {
    return part != null && part.indexOf(',') >= 0 && part.split(",").length > 1;
  }

  @Override
  public String toString() {
    return value();
  }
}

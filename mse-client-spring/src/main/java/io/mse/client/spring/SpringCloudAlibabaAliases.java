package io.mse.client.spring;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.ClassUtils;

/**
 * Spring Cloud Alibaba's Nacos property names ({@code spring.cloud.nacos.discovery.*},
 * {@code spring.cloud.nacos.config.*}, {@code spring.cloud.nacos.*}) read as aliases of mse-client's
 * own, so that an application moving from Spring Cloud Alibaba keeps its properties. One table
 * ({@link #TABLE}) drives both phases that read them: the config-data phase (the client of the
 * {@code spring.config.import=mse:/nacos:} imports) and the application's Environment (every
 * {@code mse.*} bean), so both read the same names the same way and log them alike.
 *
 * <p>Rules: an alias is used only when its {@code mse.*} property is not set ({@code mse.*} wins);
 * among the aliases of one property the first set in the table wins (config, then discovery, then
 * the shared {@code spring.cloud.nacos.*}), and aliases set to different values are reported (never
 * their values); {@code spring.cloud.nacos.discovery.metadata.*} fills the metadata keys
 * {@code mse.discovery.metadata.*} does not set; a port of {@code -1} (Spring Cloud Alibaba's "the web
 * server's") counts as not set. The aliases of a part of Spring Cloud Alibaba that is itself on the
 * class path are not read (and the shared ones when any part is): it reads them itself.
 *
 * <p>Used by mse-client's own classes; stateless and thread-safe.
 */
public final class SpringCloudAlibabaAliases {

  private static final Logger LOG = LoggerFactory.getLogger(SpringCloudAlibabaAliases.class);

  /** The name of the Environment's lowest-precedence property source holding the aliases' values under mse.* names. */
  public static final String PROPERTY_SOURCE_NAME = "mseSpringCloudAlibabaAliases";

  private static final String SCA = "spring.cloud.nacos.";
  private static final String CONFIG = SCA + "config.";
  private static final String DISCOVERY = SCA + "discovery.";
  private static final String METADATA = "mse.discovery.metadata";

  /** The parts of Spring Cloud Alibaba's Nacos support an alias belongs to. */
  public enum Part {
    /** {@code spring-cloud-starter-alibaba-nacos-config}: {@code spring.cloud.nacos.config.*}. */
    CONFIG("Nacos config", "com.alibaba.cloud.nacos.NacosConfigManager",
        "com.alibaba.cloud.nacos.configdata.NacosConfigDataLocationResolver"),
    /** {@code spring-cloud-starter-alibaba-nacos-discovery}: {@code spring.cloud.nacos.discovery.*}. */
    DISCOVERY("Nacos discovery", "com.alibaba.cloud.nacos.NacosDiscoveryProperties",
        "com.alibaba.cloud.nacos.discovery.NacosDiscoveryAutoConfiguration"),
    /** Both: {@code spring.cloud.nacos.*}. */
    SHARED("Nacos support");

    private final String label;
    private final List<String> classes;

    Part(String label, String... classes) {
      this.label = label;
      this.classes = List.of(classes);
    }

    /** Returns the class names whose presence shows this part on the class path (none for {@link #SHARED}). */
    public List<String> classes() {
      return classes;
    }
  }

  /**
   * One alias.
   *
   * @param name Spring Cloud Alibaba's property name (for a map, its prefix)
   * @param property the {@code mse.*} property it stands in for
   * @param part the part of Spring Cloud Alibaba it belongs to
   */
  public record Alias(String name, String property, Part part) {}

  /** Every alias, in order of precedence among the aliases of one property. */
  public static final List<Alias> TABLE = List.of(
      new Alias(CONFIG + "server-addr", "mse.server-addr", Part.CONFIG),
      new Alias(DISCOVERY + "server-addr", "mse.server-addr", Part.DISCOVERY),
      new Alias(SCA + "server-addr", "mse.server-addr", Part.SHARED),
      new Alias(CONFIG + "namespace", "mse.namespace", Part.CONFIG),
      new Alias(DISCOVERY + "namespace", "mse.namespace", Part.DISCOVERY),
      new Alias(SCA + "namespace", "mse.namespace", Part.SHARED),
      new Alias(CONFIG + "username", "mse.username", Part.CONFIG),
      new Alias(DISCOVERY + "username", "mse.username", Part.DISCOVERY),
      new Alias(SCA + "username", "mse.username", Part.SHARED),
      new Alias(CONFIG + "password", "mse.password", Part.CONFIG),
      new Alias(DISCOVERY + "password", "mse.password", Part.DISCOVERY),
      new Alias(SCA + "password", "mse.password", Part.SHARED),
      new Alias(CONFIG + "group", "mse.config.group", Part.CONFIG),
      new Alias(CONFIG + "file-extension", "mse.config.file-extension", Part.CONFIG),
      new Alias(CONFIG + "refresh-enabled", "mse.config.refresh-enabled", Part.CONFIG),
      new Alias(DISCOVERY + "enabled", "mse.discovery.enabled", Part.DISCOVERY),
      new Alias(DISCOVERY + "register-enabled", "mse.discovery.register-enabled", Part.DISCOVERY),
      new Alias(DISCOVERY + "group", "mse.discovery.group", Part.DISCOVERY),
      new Alias(DISCOVERY + "service", "mse.discovery.service", Part.DISCOVERY),
      new Alias(DISCOVERY + "cluster-name", "mse.discovery.cluster", Part.DISCOVERY),
      new Alias(DISCOVERY + "ip", "mse.discovery.ip", Part.DISCOVERY),
      new Alias(DISCOVERY + "network-interface", "mse.discovery.network-interface", Part.DISCOVERY),
      new Alias(DISCOVERY + "port", "mse.discovery.port", Part.DISCOVERY),
      new Alias(DISCOVERY + "weight", "mse.discovery.weight", Part.DISCOVERY),
      new Alias(DISCOVERY + "ephemeral", "mse.discovery.ephemeral", Part.DISCOVERY),
      new Alias(DISCOVERY + "secure", "mse.discovery.secure", Part.DISCOVERY),
      new Alias(DISCOVERY + "metadata", METADATA, Part.DISCOVERY));

  private SpringCloudAlibabaAliases() {}

  /**
   * What the aliases supply.
   *
   * @param values {@code mse.*} names (map entries as {@code mse.discovery.metadata[key]}) to the
   *     aliases' values, for the properties not set under their own names
   * @param used the aliases that supplied a value, in table order
   * @param conflicts one sentence per property whose aliases are set to different values (names
   *     only, never values)
   */
  public record Resolved(Map<String, Object> values, List<Alias> used, List<String> conflicts) {}

  /** Returns the parts of Spring Cloud Alibaba found through {@code classLoader} ({@link Part#SHARED} when any is). */
  public static Set<Part> present(ClassLoader classLoader) {
    Set<Part> present = EnumSet.noneOf(Part.class);
    for (Part part : List.of(Part.CONFIG, Part.DISCOVERY)) {
      if (part.classes.stream().anyMatch(name -> ClassUtils.isPresent(name, classLoader))) {
        present.add(part);
        present.add(Part.SHARED);
      }
    }
    return present;
  }

  /**
   * Reads the aliases that stand in for unset {@code mse.*} properties.
   *
   * @param binder where the properties are read
   * @param handler a bind handler (the config-data phase's decryption...), or null
   * @param present the parts of Spring Cloud Alibaba on the class path, whose aliases are not read
   */
  public static Resolved resolve(Binder binder, BindHandler handler, Set<Part> present) {
    Map<String, Object> values = new LinkedHashMap<>();
    List<Alias> used = new ArrayList<>();
    List<String> conflicts = new ArrayList<>();
    Set<String> properties = new LinkedHashSet<>();
    TABLE.forEach(alias -> properties.add(alias.property()));
    for (String property : properties) {
      List<Alias> aliases = TABLE.stream().filter(a -> a.property().equals(property) && !present.contains(a.part()))
          .toList();
      if (property.equals(METADATA)) {
        metadata(binder, handler, aliases, values, used);
      } else if (!binder.bind(property, Bindable.of(String.class), handler).isBound()) {
        scalar(binder, handler, property, aliases, values, used, conflicts);
      }
    }
    return new Resolved(Map.copyOf(values), List.copyOf(used), List.copyOf(conflicts));
  }

  private static void scalar(Binder binder, BindHandler handler, String property, List<Alias> aliases,
      Map<String, Object> values, List<Alias> used, List<String> conflicts) {
    Alias chosen = null;
    String value = null;
    for (Alias alias : aliases) {
      String bound = binder.bind(alias.name(), Bindable.of(String.class), handler).orElse(null);
      if (bound == null || (property.equals("mse.discovery.port") && bound.strip().equals("-1"))) {
        continue;
      }
      if (chosen == null) {
        chosen = alias;
        value = bound;
      } else if (!Objects.equals(value.strip(), bound.strip())) {
        conflicts.add(chosen.name() + " and " + alias.name() + " are set to different values; mse-client serves"
            + " config and discovery with one client and uses " + chosen.name() + " for " + property
            + " (set " + property + " to choose)");
      }
    }
    if (chosen != null) {
      values.put(property, value);
      used.add(chosen);
    }
  }

  private static void metadata(Binder binder, BindHandler handler, List<Alias> aliases, Map<String, Object> values,
      List<Alias> used) {
    Bindable<Map<String, String>> map = Bindable.mapOf(String.class, String.class);
    Map<String, String> own = binder.bind(METADATA, map, handler).orElse(Map.of());
    for (Alias alias : aliases) {
      boolean supplied = false;
      for (Map.Entry<String, String> entry : binder.bind(alias.name(), map, handler).orElse(Map.of()).entrySet()) {
        if (!own.containsKey(entry.getKey()) && !values.containsKey(METADATA + "[" + entry.getKey() + "]")) {
          values.put(METADATA + "[" + entry.getKey() + "]", entry.getValue());
          supplied = true;
        }
      }
      if (supplied) {
        used.add(alias);
      }
    }
  }

  /**
   * Gives the application's Environment the aliases' values: a property source of the lowest
   * precedence, {@value #PROPERTY_SOURCE_NAME}, with the values of the aliases of unset
   * {@code mse.*} properties under the {@code mse.*} names (so every {@code mse.*} binding sees them
   * and any {@code mse.*} property set anywhere wins). Logs at INFO each alias used and each part of
   * Spring Cloud Alibaba standing in their way, at WARN each conflict, except lines in
   * {@code logged} (what the config-data phase said already). Called once per application start,
   * when the Environment is prepared.
   *
   * @param classLoader the application's, searched for Spring Cloud Alibaba
   * @param logged lines logged already; not logged again
   */
  public static void applyTo(ConfigurableEnvironment environment, ClassLoader classLoader, Set<String> logged) {
    Set<Part> present = present(classLoader);
    for (Part part : List.of(Part.CONFIG, Part.DISCOVERY)) {
      if (present.contains(part)) {
        LOG.info(standingBackLine(part));
      }
    }
    Resolved resolved = resolve(Binder.get(environment), null, present);
    for (Alias alias : resolved.used()) {
      if (!logged.contains(usedLine(alias))) {
        LOG.info(usedLine(alias));
      }
    }
    resolved.conflicts().stream().filter(line -> !logged.contains(line)).forEach(LOG::warn);
    if (!resolved.values().isEmpty()) {
      environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, resolved.values()));
    }
  }

  /** The INFO line naming an alias used (never its value). */
  public static String usedLine(Alias alias) {
    return "mse-client reads " + alias.name() + (alias.property().equals(METADATA) ? ".* -> " + METADATA + ".*"
        : " -> " + alias.property()) + " (Spring Cloud Alibaba's name; " + alias.property() + " is not set)";
  }

  /** The INFO line saying that the aliases of {@code part} stand back, Spring Cloud Alibaba's part being present. */
  public static String standingBackLine(Part part) {
    String names = part == Part.CONFIG ? CONFIG + "*" : DISCOVERY + "*";
    return "Spring Cloud Alibaba's " + part.label + " is on the class path: mse-client does not read " + names
        + " (nor " + SCA + "{server-addr,namespace,username,password}) as aliases of mse.*";
  }
}

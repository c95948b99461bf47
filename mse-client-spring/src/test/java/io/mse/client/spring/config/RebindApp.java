package io.mse.client.spring.config;

import jakarta.annotation.PostConstruct;
import jakarta.validation.constraints.Min;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import io.mse.client.spring.MseAutoConfiguration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.autoconfigure.ConfigurationPropertiesRebinderAutoConfiguration;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration;
import org.springframework.cloud.context.config.annotation.RefreshScope;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.validation.annotation.Validated;

/**
 * The application of the rebinding tests: a {@code @ConfigurationProperties("shop")} bean with a
 * string, a number, a list, a read-only map and a read-only nested bean; a {@code @RefreshScope}
 * bean built from it and from {@code @Value}; a second properties bean under another prefix; a
 * validated one; one with a {@code @PostConstruct}; and a recorder of {@code EnvironmentChangeEvent}s.
 */
@Configuration(proxyBeanMethods = false)
@ImportAutoConfiguration({MseAutoConfiguration.class, RefreshAutoConfiguration.class,
    ConfigurationPropertiesRebinderAutoConfiguration.class})
@EnableConfigurationProperties({RebindApp.ShopProperties.class, RebindApp.OtherProperties.class,
    RebindApp.CheckedProperties.class, RebindApp.InitializedProperties.class})
public class RebindApp {

  @Bean
  @RefreshScope
  ShopView shopView(ShopProperties shop, @Value("${shop.label:none}") String label) {
    return new ShopView(shop.getVersion(), label);
  }

  @Bean
  EnvironmentChanges environmentChanges() {
    return new EnvironmentChanges();
  }

  /** {@code shop.*}: every kind of property a rebinding copies. */
  @ConfigurationProperties("shop")
  public static class ShopProperties {
    private String label = "none";
    private int version = -1;
    private List<String> tags = new ArrayList<>();
    private final Map<String, String> limits = new LinkedHashMap<>();
    private final Nested nested = new Nested();

    public String getLabel() {
      return label;
    }

    public void setLabel(String label) {
      this.label = label;
    }

    public int getVersion() {
      return version;
    }

    public void setVersion(int version) {
      this.version = version;
    }

    public List<String> getTags() {
      return tags;
    }

    public void setTags(List<String> tags) {
      this.tags = tags;
    }

    public Map<String, String> getLimits() {
      return limits;
    }

    public Nested getNested() {
      return nested;
    }

    /** A nested bean without setter: bound into in place. */
    public static class Nested {
      private String code = "none";

      public String getCode() {
        return code;
      }

      public void setCode(String code) {
        this.code = code;
      }
    }
  }

  /** {@code other.*}: a bean no {@code shop.*} change concerns. */
  @ConfigurationProperties("other")
  public static class OtherProperties {
    private String value = "default";

    public String getValue() {
      return value;
    }

    public void setValue(String value) {
      this.value = value;
    }
  }

  /** {@code checked.*}: validated with JSR-303. */
  @Validated
  @ConfigurationProperties("checked")
  public static class CheckedProperties {
    @Min(1)
    private int size = 1;

    public int getSize() {
      return size;
    }

    public void setSize(int size) {
      this.size = size;
    }
  }

  /** {@code initialized.*}: has a {@code @PostConstruct}, so it is rebound in place with its callbacks run again. */
  @ConfigurationProperties("initialized")
  public static class InitializedProperties {
    static final AtomicInteger INITIALIZATIONS = new AtomicInteger();
    private String name = "none";
    private String upperName;

    @PostConstruct
    void init() {
      INITIALIZATIONS.incrementAndGet();
      upperName = name.toUpperCase();
    }

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }

    public String upperName() {
      return upperName;
    }
  }

  /** Made by the refresh scope from the {@code shop} bean and {@code @Value}; a class, for the scope's proxy. */
  public static class ShopView {
    private final int version;
    private final String label;

    public ShopView(int version, String label) {
      this.version = version;
      this.label = label;
    }

    public int version() {
      return version;
    }

    public String label() {
      return label;
    }
  }

  /** Records the {@code EnvironmentChangeEvent}s: their keys and whether the context was their source. */
  public static class EnvironmentChanges implements ApplicationListener<EnvironmentChangeEvent> {
    final List<Set<String>> keys = new CopyOnWriteArrayList<>();
    final List<Object> sources = new CopyOnWriteArrayList<>();

    @Override
    public void onApplicationEvent(EnvironmentChangeEvent event) {
      keys.add(event.getKeys());
      sources.add(event.getSource());
    }
  }
}

package io.mse.client.spring.config;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import org.springframework.beans.PropertyEditorRegistry;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.ConfigurationPropertiesBean;
import org.springframework.boot.context.properties.ConfigurationPropertiesBindHandlerAdvisor;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.BindMethod;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.bind.handler.IgnoreErrorsBindHandler;
import org.springframework.boot.context.properties.bind.handler.IgnoreTopLevelConverterNotFoundBindHandler;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.bind.validation.ValidationBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.UnboundElementsSourceFilter;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.convert.ConversionService;
import org.springframework.core.convert.support.DefaultConversionService;
import org.springframework.core.env.PropertySource;
import org.springframework.format.support.FormattingConversionService;
import org.springframework.util.ClassUtils;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;
import org.springframework.validation.annotation.Validated;

/**
 * Binds {@code @ConfigurationProperties} beans against a <em>staged</em> list of property sources
 * (the Environment's, with a changed config's new property source in place of its current one),
 * before the Environment itself changes. It binds as Spring Boot's own binding does for a
 * {@code @ConfigurationProperties} bean: the same {@link Binder} setup (placeholders resolved
 * against the staged sources, the context's conversion service or {@code @ConfigurationPropertiesBinding}
 * converters, its property editors), the same handlers (top-level converter-not-found ignored,
 * {@code ignoreInvalidFields}, {@code ignoreUnknownFields}, a nested {@code @ConfigurationProperties}
 * type bound as a bean), the same validators (the context's {@code configurationPropertiesValidator},
 * JSR-303 when the bean is {@code @Validated} and a provider is present, the bean itself when it
 * is a {@link Validator}) and the context's {@link ConfigurationPropertiesBindHandlerAdvisor}s.
 * Not done: recording what was bound for the actuator's {@code configprops} origins.
 *
 * <p>Used on the refresh thread only; not thread-safe.
 */
final class StagedPropertiesBinder {

  private static final String[] JSR303_CLASSES = {"jakarta.validation.Validator",
      "jakarta.validation.ValidatorFactory", "jakarta.validation.bootstrap.GenericBootstrap"};

  private final ConfigurableApplicationContext context;
  private final StagedSources sources = new StagedSources();
  private Binder binder;
  private List<ConfigurationPropertiesBindHandlerAdvisor> advisors;
  private Validator contextValidator;
  private Validator jsr303;

  StagedPropertiesBinder(ConfigurableApplicationContext context) {
    this.context = context;
  }

  /**
   * Stages the property sources to bind against: the Environment's, in order, with
   * {@code replacement} in place of the source of the same name (when given and present).
   */
  void stage(Iterable<PropertySource<?>> environmentSources, PropertySource<?> replacement) {
    List<PropertySource<?>> staged = new ArrayList<>();
    for (PropertySource<?> source : environmentSources) {
      if (ConfigurationPropertySources.isAttachedConfigurationPropertySource(source)) {
        continue;   // a view of the live Environment: it would answer with the current values
      }
      staged.add(replacement != null && source.getName().equals(replacement.getName()) ? replacement : source);
    }
    sources.list = List.copyOf(staged);
  }

  /**
   * Binds the staged properties into {@code fresh}, a new instance of {@code bean}'s class.
   *
   * @throws RuntimeException what Spring Boot's binding throws: a {@code BindException} naming the
   *     property (a value that does not convert, a validation failure, an unknown property where
   *     {@code ignoreUnknownFields=false})
   */
  void bind(ConfigurationPropertiesBean bean, Object fresh) {
    Bindable<?> live = bean.asBindTarget();
    Bindable<Object> target = Bindable.<Object>of(live.getType()).withAnnotations(live.getAnnotations())
        .withBindMethod(BindMethod.JAVA_BEAN).withExistingValue(fresh);
    binder().bind(bean.getAnnotation().prefix(), target, handler(target, bean.getAnnotation(), fresh));
  }

  private Binder binder() {
    if (binder == null) {
      binder = new Binder(ConfigurationPropertySources.from(sources), new PropertySourcesPlaceholdersResolver(sources),
          conversionServices(), editors(), null, null);
    }
    return binder;
  }

  private Consumer<PropertyEditorRegistry> editors() {
    return context.getBeanFactory()::copyRegisteredEditorsTo;
  }

  /** As Spring Boot chooses them: a bean named conversionService, else the converter beans and the factory's. */
  private List<ConversionService> conversionServices() {
    String name = ConfigurableApplicationContext.CONVERSION_SERVICE_BEAN_NAME;
    if (context.containsBean(name) && context.getBeanFactory().isTypeMatch(name, ConversionService.class)) {
      return List.of(context.getBean(name, ConversionService.class));
    }
    List<ConversionService> services = new ArrayList<>();
    FormattingConversionService converters = new FormattingConversionService();
    DefaultConversionService.addCollectionConverters(converters);
    boolean anyConverter = !ApplicationConversionService.addBeans(converters, context.getBeanFactory(),
        ConfigurationPropertiesBinding.VALUE).isEmpty();
    if (anyConverter) {
      services.add(converters);
    }
    if (context.getBeanFactory().getConversionService() != null) {
      services.add(context.getBeanFactory().getConversionService());
    }
    if (anyConverter || services.isEmpty()) {
      services.add(ApplicationConversionService.getSharedInstance());
    }
    return services;
  }

  private BindHandler handler(Bindable<?> target, ConfigurationProperties annotation, Object fresh) {
    BindHandler handler = new NestedConfigurationPropertiesHandler(new IgnoreTopLevelConverterNotFoundBindHandler());
    if (annotation.ignoreInvalidFields()) {
      handler = new IgnoreErrorsBindHandler(handler);
    }
    if (!annotation.ignoreUnknownFields()) {
      handler = new NoUnboundElementsBindHandler(handler, new UnboundElementsSourceFilter());
    }
    List<Validator> validators = validators(target, fresh);
    if (!validators.isEmpty()) {
      handler = new ValidationBindHandler(handler, validators.toArray(Validator[]::new));
    }
    if (advisors == null) {
      advisors = context.getBeanProvider(ConfigurationPropertiesBindHandlerAdvisor.class).orderedStream().toList();
    }
    for (ConfigurationPropertiesBindHandlerAdvisor advisor : advisors) {
      handler = advisor.apply(handler);
    }
    return handler;
  }

  private List<Validator> validators(Bindable<?> target, Object fresh) {
    List<Validator> validators = new ArrayList<>(3);
    if (contextValidator == null && context.containsBean(EnableConfigurationProperties.VALIDATOR_BEAN_NAME)) {
      contextValidator = context.getBean(EnableConfigurationProperties.VALIDATOR_BEAN_NAME, Validator.class);
    }
    if (contextValidator != null) {
      validators.add(contextValidator);
    }
    if (target.getAnnotation(Validated.class) != null && jsr303Present()) {
      if (jsr303 == null) {
        jsr303 = Jsr303.validator(context);
      }
      Class<?> type = fresh.getClass();
      validators.add(new Validator() {
        @Override
        public boolean supports(Class<?> candidate) {
          return candidate == type && jsr303.supports(candidate);
        }

        @Override
        public void validate(Object value, Errors errors) {
          jsr303.validate(value, errors);
        }
      });
    }
    if (fresh instanceof Validator self) {
      validators.add(self);
    }
    return validators;
  }

  private boolean jsr303Present() {
    for (String name : JSR303_CLASSES) {
      if (!ClassUtils.isPresent(name, context.getClassLoader())) {
        return false;
      }
    }
    return true;
  }

  /** A type annotated {@code @ConfigurationProperties} is bound as a bean, never from one property (as Boot does). */
  private static final class NestedConfigurationPropertiesHandler extends AbstractBindHandler {
    NestedConfigurationPropertiesHandler(BindHandler parent) {
      super(parent);
    }

    @Override
    public <T> Bindable<T> onStart(ConfigurationPropertyName name, Bindable<T> target, BindContext context) {
      Class<?> type = target.getType().resolve();
      return type != null && MergedAnnotations.from(type).isPresent(ConfigurationProperties.class)
          ? target.withBindRestrictions(Bindable.BindRestriction.NO_DIRECT_PROPERTY) : target;
    }
  }

  /** The sources staged for the next binding; replaced whole, read by the binder. */
  private static final class StagedSources implements Iterable<PropertySource<?>> {
    volatile List<PropertySource<?>> list = List.of();

    @Override
    public Iterator<PropertySource<?>> iterator() {
      return list.iterator();
    }
  }

  /** The JSR-303 validator Spring Boot makes for {@code @Validated} properties; loaded only when a provider is present. */
  private static final class Jsr303 {
    private Jsr303() {}

    static Validator validator(ConfigurableApplicationContext context) {
      org.springframework.validation.beanvalidation.LocalValidatorFactoryBean factory =
          new org.springframework.validation.beanvalidation.LocalValidatorFactoryBean();
      factory.setApplicationContext(context);
      factory.setMessageInterpolator(new org.springframework.boot.validation.MessageInterpolatorFactory(context).getObject());
      factory.afterPropertiesSet();
      return factory;
    }
  }
}

package io.mse.client.dubbo.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.dubbo.common.URL;
import org.junit.jupiter.api.Test;

/** Registry service names as Dubbo's Nacos registry 3.3 spells and matches them. */
class DubboServiceNameTest {

  private static DubboServiceName name(String value) {
    return DubboServiceName.parse(value).orElseThrow();
  }

  @Test
  void aProviderIsRegisteredUnderFourPartsWithEmptyPartsKept() {
    URL noVersion = URL.valueOf("tri://10.0.0.1:50051/org.foo.DemoService?interface=org.foo.DemoService&side=provider");
    assertThat(DubboServiceName.registered(noVersion).value()).isEqualTo("providers:org.foo.DemoService::");
    URL both = noVersion.addParameter("version", "1.0.0").addParameter("group", "blue");
    assertThat(DubboServiceName.registered(both).value()).isEqualTo("providers:org.foo.DemoService:1.0.0:blue");
    assertThat(DubboServiceName.registered(both).compatibleValue()).isEqualTo("providers:org.foo.DemoService:1.0.0:blue");
    assertThat(DubboServiceName.registered(noVersion.addParameter("version", "1.0.0")).compatibleValue())
        .isEqualTo("providers:org.foo.DemoService:1.0.0");
    URL consumer = URL.valueOf("consumer://10.0.0.2/org.foo.DemoService?interface=org.foo.DemoService&category=consumers");
    assertThat(DubboServiceName.registered(consumer).value()).isEqualTo("consumers:org.foo.DemoService::");
  }

  @Test
  void aNestedClassIsWrittenWithThreeUnderscoresAndReadBack() {
    URL url = URL.valueOf("tri://10.0.0.1:1/org.foo.Outer$Inner?interface=org.foo.Outer$Inner");
    assertThat(DubboServiceName.registered(url).value()).isEqualTo("providers:org.foo.Outer___Inner::");
    assertThat(name("providers:org.foo.Outer___Inner::").serviceInterface()).isEqualTo("org.foo.Outer$Inner");
  }

  @Test
  void onlyFourPartNamesAreDubboNames() {
    assertThat(DubboServiceName.parse("order-service")).isEmpty();
    assertThat(DubboServiceName.parse("providers:org.foo.DemoService:1.0.0")).isEmpty();
  }

  @Test
  void aConsumerOfConcreteVersionAndGroupLooksForOneName() {
    URL consumer = URL.valueOf("consumer://10.0.0.2/org.foo.DemoService?interface=org.foo.DemoService&version=1.0.0"
        + "&group=blue&category=providers,configurators,routers");
    DubboServiceName pattern = DubboServiceName.subscribed(consumer);
    assertThat(pattern.isConcrete()).isTrue();
    assertThat(pattern.value()).isEqualTo("providers:org.foo.DemoService:1.0.0:blue");
  }

  @Test
  void wildcardAndCommaPatternsAcceptWhatDubbosNacosRegistryAccepts() {
    DubboServiceName anyGroup = DubboServiceName.subscribed(URL.valueOf(
        "consumer://h/org.foo.DemoService?interface=org.foo.DemoService&version=1.0.0&group=*"));
    assertThat(anyGroup.isConcrete()).isFalse();
    assertThat(anyGroup.accepts(name("providers:org.foo.DemoService:1.0.0:blue"))).isTrue();
    assertThat(anyGroup.accepts(name("providers:org.foo.DemoService:2.0.0:blue"))).isTrue(); // Dubbo filters versions later
    assertThat(anyGroup.accepts(name("providers:org.foo.OtherService:1.0.0:blue"))).isFalse();
    assertThat(anyGroup.accepts(name("consumers:org.foo.DemoService:1.0.0:blue"))).isFalse();

    DubboServiceName twoGroups = DubboServiceName.subscribed(URL.valueOf(
        "consumer://h/org.foo.DemoService?interface=org.foo.DemoService&version=1.0.0&group=blue,green"));
    assertThat(twoGroups.accepts(name("providers:org.foo.DemoService:1.0.0:blue"))).isTrue();
    assertThat(twoGroups.accepts(name("providers:org.foo.DemoService:1.0.0:green"))).isTrue();
    assertThat(twoGroups.accepts(name("providers:org.foo.DemoService:1.0.0:red"))).isFalse();
    assertThat(twoGroups.accepts(name("providers:org.foo.DemoService:2.0.0:blue"))).isFalse();

    DubboServiceName anyVersion = DubboServiceName.subscribed(URL.valueOf(
        "consumer://h/org.foo.DemoService?interface=org.foo.DemoService&version=*"));
    assertThat(anyVersion.accepts(name("providers:org.foo.DemoService:2.0.0:"))).isTrue();
    assertThat(anyVersion.accepts(name("providers:org.foo.DemoService:1.0.0:"))).isTrue();

    DubboServiceName versions = DubboServiceName.subscribed(URL.valueOf(
        "consumer://h/org.foo.DemoService?interface=org.foo.DemoService&version=1.0.0,2.0.0&group=blue"));
    assertThat(versions.accepts(name("providers:org.foo.DemoService:2.0.0:blue"))).isTrue();
    assertThat(versions.accepts(name("providers:org.foo.DemoService:3.0.0:blue"))).isFalse();
    // a pattern is never matched against another pattern
    assertThat(anyGroup.accepts(name("providers:org.foo.DemoService:1.0.0:*"))).isFalse();
  }

  @Test
  void anyInterfaceTakesTheSubscribersCategories() {
    DubboServiceName all = DubboServiceName.subscribed(URL.valueOf(
        "admin://h/*?interface=*&version=*&group=*&category=providers,consumers"));
    assertThat(all.accepts(name("providers:org.foo.DemoService:1.0.0:"))).isTrue();
    assertThat(all.accepts(name("consumers:org.foo.OtherService::"))).isTrue();
    assertThat(all.accepts(name("routers:org.foo.OtherService::"))).isFalse();
  }
}

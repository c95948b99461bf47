package io.mse.client.dubbo.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mse.client.MseClientConfig;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.dubbo.common.URL;
import org.junit.jupiter.api.Test;

/** Reading mse-client settings from Dubbo {@code mse://} URLs. */
class ClientSettingsTest {

  @Test
  void aHostAndPortIsNacosWithDubbosBackupHostsAfterIt() {
    MseClientConfig settings = ClientSettings.of(URL.valueOf("mse://10.0.0.1:8848?backup=10.0.0.2:8848,10.0.0.3:8848"));
    assertThat(settings.serverAddr()).isEqualTo("10.0.0.1:8848,10.0.0.2:8848,10.0.0.3:8848");
    assertThat(settings.namespace()).isEmpty();
    assertThat(settings.username()).isNull();
  }

  @Test
  void embeddedIgnoresThePortDubboAddsAndZooKeeperIsAParameter() {
    assertThat(ClientSettings.of(URL.valueOf("mse://embedded:9090")).serverAddr()).isEqualTo("embedded");
    assertThat(ClientSettings.of(URL.valueOf("mse://10.0.0.1:2181?engine=zookeeper&backup=10.0.0.2:2181"))
        .serverAddr()).isEqualTo("zookeeper://10.0.0.1:2181,10.0.0.2:2181");
    assertThatThrownBy(() -> ClientSettings.of(URL.valueOf("mse://10.0.0.1:2181?engine=etcd")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("engine='etcd'");
  }

  @Test
  void namespaceAndCredentialsAreReadAsDubbosNacosExtensionsReadThem() {
    MseClientConfig params = ClientSettings.of(URL.valueOf("mse://h:8848?namespace=dev&username=nacos&password=s3cret"));
    assertThat(params.namespace()).isEqualTo("dev");
    assertThat(params.username()).isEqualTo("nacos");
    assertThat(params.password()).isEqualTo("s3cret");
    assertThat(params.toString()).doesNotContain("s3cret");

    MseClientConfig userInfo = ClientSettings.of(URL.valueOf("mse://ops:pw1@h:8848?username=nacos&password=s3cret"));
    assertThat(userInfo.username()).isEqualTo("ops");
    assertThat(userInfo.password()).isEqualTo("pw1");
    assertThat(ClientSettings.of(URL.valueOf("mse://h:8848?namespace=dev"), "").namespace()).isEmpty();
  }

  @Test
  void clientSettingsAndEnginePropertiesAreParameters() {
    MseClientConfig settings = ClientSettings.of(URL.valueOf("mse://h:8848?mse.snapshot-dir=/tmp/snap"
        + "&mse.request-timeout-millis=1500&mse.push-empty-protection=false&contextPath=/registry"
        + "&mse.property.nacos.clientIp=10.1.1.1"));
    assertThat(settings.snapshotDir()).isEqualTo(Path.of("/tmp/snap"));
    assertThat(settings.requestTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(settings.pushEmptyProtection()).isFalse();
    assertThat(settings.property("nacos.contextPath", null)).isEqualTo("/registry");
    assertThat(settings.property("nacos.clientIp", null)).isEqualTo("10.1.1.1");
  }

  @Test
  void malformedParametersAreRefusedByName() {
    assertThatThrownBy(() -> ClientSettings.of(URL.valueOf("mse://h:8848?mse.request-timeout-millis=soon")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mse.request-timeout-millis='soon'");
    assertThatThrownBy(() -> ClientSettings.of(URL.valueOf("mse://h:8848?mse.push-empty-protection=maybe")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mse.push-empty-protection='maybe'");
    assertThatThrownBy(() -> ClientSettings.of(URL.valueOf("mse://h:8848?namespace=bad!ns")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad!ns");
  }

  @Test
  void aRegistryRefusesABadGroupOrScanPeriodBeforeStartingAnything() {
    assertThatThrownBy(() -> new MseRegistry(URL.valueOf("mse://embedded?group=no/slash"), null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no/slash");
    assertThatThrownBy(() -> new MseRegistry(URL.valueOf("mse://embedded?mse.service-scan-seconds=0"), null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mse.service-scan-seconds='0'");
    assertThatThrownBy(() -> new MseRegistry(URL.valueOf("mse://embedded?enable-empty-protection=yes"), null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("enable-empty-protection='yes'");
    assertThatThrownBy(() -> new MseRegistry(URL.valueOf("mse://embedded?mse.drain-timeout-millis=-1"), null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mse.drain-timeout-millis='-1'");
  }

  @Test
  void drainSettingsDefaultToTenSecondsAndOneSecondAndReadMilliseconds() {
    assertThat(ShutdownDrain.Settings.of(URL.valueOf("mse://embedded")))
        .isEqualTo(new ShutdownDrain.Settings(Duration.ofSeconds(10), Duration.ofSeconds(1)));
    assertThat(ShutdownDrain.Settings.of(URL.valueOf("mse://embedded?mse.drain-timeout-millis=0&mse.drain-push-margin-millis=250")))
        .isEqualTo(new ShutdownDrain.Settings(Duration.ZERO, Duration.ofMillis(250)));
    assertThatThrownBy(() -> ShutdownDrain.Settings.of(URL.valueOf("mse://embedded?mse.drain-push-margin-millis=1s")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mse.drain-push-margin-millis='1s'")
        .hasMessageContaining("whole number of milliseconds");
  }

  @Test
  void registriesOfOtherNamespacesGroupsOrEnginesAreCachedApart() {
    String base = MseRegistryFactory.cacheKey(URL.valueOf("mse://h:8848"));
    assertThat(MseRegistryFactory.cacheKey(URL.valueOf("mse://h:8848?namespace=dev"))).isNotEqualTo(base);
    assertThat(MseRegistryFactory.cacheKey(URL.valueOf("mse://h:8848?group=G"))).isNotEqualTo(base);
    assertThat(MseRegistryFactory.cacheKey(URL.valueOf("mse://h:8848?engine=zookeeper"))).isNotEqualTo(base);
    assertThat(MseRegistryFactory.cacheKey(URL.valueOf("mse://h:8848?timestamp=1"))).isEqualTo(base);
    assertThat(MseRegistryFactory.cacheKey(URL.valueOf("mse://u:secret@h:8848?password=secret")))
        .doesNotContain("password=");
  }
}

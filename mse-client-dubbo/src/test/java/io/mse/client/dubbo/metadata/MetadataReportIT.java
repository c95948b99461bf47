package io.mse.client.dubbo.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mse.client.MseClient;
import io.mse.client.dubbo.config.Md5Hex;
import io.mse.client.dubbo.registry.ClientSettings;
import io.mse.client.dubbo.registry.SharedClients;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.common.config.configcenter.ConfigItem;
import org.apache.dubbo.metadata.MappingChangedEvent;
import org.apache.dubbo.metadata.MappingListener;
import org.apache.dubbo.metadata.MetadataInfo;
import org.apache.dubbo.metadata.definition.model.ServiceDefinition;
import org.apache.dubbo.metadata.report.MetadataReport;
import org.apache.dubbo.metadata.report.MetadataReportFactory;
import org.apache.dubbo.metadata.report.identifier.MetadataIdentifier;
import org.apache.dubbo.metadata.report.identifier.SubscriberMetadataIdentifier;
import org.apache.dubbo.rpc.model.ApplicationModel;
import org.apache.dubbo.rpc.model.FrameworkModel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code mse} metadata report on the embedded engine, found through Dubbo's extension loader. */
class MetadataReportIT {

  private static final String SERVICE = "org.example.DemoService";

  @TempDir
  Path dir;

  private FrameworkModel framework;
  private MseClient operator;
  private MetadataReport report;

  @BeforeEach
  void start() {
    framework = new FrameworkModel();
    ApplicationModel app = framework.newApplication();
    operator = MseClient.builder().serverAddr("embedded").snapshotDir(dir.resolve("operator")).build();
    report = app.getExtensionLoader(MetadataReportFactory.class).getExtension("mse").getMetadataReport(
        URL.valueOf("mse://embedded?file-cache=false&sync-report=true&" + ClientSettings.SNAPSHOT_DIR + "="
            + dir.resolve("report")).setScopeModel(app));
  }

  @AfterEach
  void stop() {
    try {
      report.destroy();
      assertThat(SharedClients.openClients()).isZero();
    } finally {
      operator.close();
      framework.destroy();
    }
  }

  @Test
  void theMappingIsExtendedByCompareAndSetAsDubboDoesIt() {
    ConfigItem absent = report.getConfigItem(SERVICE, "mapping");
    assertThat(absent.getContent()).isNull();
    assertThat(absent.getTicket()).isEqualTo("");
    assertThat(report.registerServiceAppMapping(SERVICE, "mapping", "app-a", absent.getTicket())).isTrue();
    // another application read the same absence: its write must fail, and succeed after a new read
    assertThat(report.registerServiceAppMapping(SERVICE, "mapping", "app-b", absent.getTicket())).isFalse();
    ConfigItem withA = report.getConfigItem(SERVICE, "mapping");
    assertThat(withA.getContent()).isEqualTo("app-a");
    assertThat(withA.getTicket()).isEqualTo(Md5Hex.of("app-a"));
    assertThat(report.registerServiceAppMapping(SERVICE, "mapping", "app-a,app-b", withA.getTicket())).isTrue();
    assertThat(report.registerServiceAppMapping(SERVICE, "mapping", "app-a,app-c", withA.getTicket())).isFalse();

    assertThat(operator.config().getConfig(SERVICE, "mapping")).isEqualTo("app-a,app-b");
    assertThat(report.getServiceAppMapping(SERVICE, URL.valueOf("consumer://127.0.0.1/" + SERVICE)))
        .containsExactlyInAnyOrder("app-a", "app-b");
  }

  @Test
  void aMappingListenerHearsOfEveryLaterChange() {
    operator.config().publishConfig(SERVICE, "mapping", "app-a");
    List<Set<String>> heard = new CopyOnWriteArrayList<>();
    MappingListener listener = new MappingListener() {
      @Override
      public void onEvent(MappingChangedEvent event) {
        assertThat(event.getServiceKey()).isEqualTo(SERVICE);
        heard.add(event.getApps());
      }

      @Override
      public void stop() {}
    };
    assertThat(report.getServiceAppMapping(SERVICE, listener, URL.valueOf("consumer://127.0.0.1/" + SERVICE)))
        .containsExactly("app-a");

    operator.config().publishConfig(SERVICE, "mapping", "app-a,app-b");
    await().atMost(Duration.ofSeconds(10)).until(() -> heard.size() == 1);
    assertThat(heard.get(0)).containsExactlyInAnyOrder("app-a", "app-b");

    report.removeServiceAppMappingListener(SERVICE, listener);
    operator.config().publishConfig(SERVICE, "mapping", "app-a,app-b,app-c");
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> heard.size() == 1);
  }

  @Test
  void applicationMetadataAndServiceDefinitionsAreStoredWhereDubbosNacosReportStoresThem() {
    MetadataInfo info = new MetadataInfo("app-a");
    info.addService(URL.valueOf("tri://127.0.0.1:50051/" + SERVICE + "?interface=" + SERVICE + "&version=1.0.0"
        + "&side=provider&application=app-a"));
    String revision = info.calAndGetRevision();
    report.publishAppMetadata(new SubscriberMetadataIdentifier("app-a", revision), info);

    assertThat(operator.config().getConfig("app-a", revision)).isEqualTo(info.getContent());
    MetadataInfo read = report.getAppMetadata(new SubscriberMetadataIdentifier("app-a", revision), null);
    assertThat(read.getRevision()).isEqualTo(revision);
    assertThat(read.getServices()).containsKey(SERVICE + ":1.0.0:tri");

    ServiceDefinition definition = new ServiceDefinition();
    definition.setCanonicalName(SERVICE);
    report.storeProviderMetadata(new MetadataIdentifier(SERVICE, "1.0.0", "blue", "provider", "app-a"), definition);
    assertThat(operator.config().getConfig(SERVICE + ":1.0.0:blue:provider:app-a", "dubbo"))
        .contains("\"canonicalName\":\"" + SERVICE + "\"");

    report.unPublishAppMetadata(new SubscriberMetadataIdentifier("app-a", revision), info);
    assertThat(operator.config().getConfig("app-a", revision)).isNull();
  }
}

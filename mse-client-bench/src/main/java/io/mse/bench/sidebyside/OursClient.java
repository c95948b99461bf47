package io.mse.bench.sidebyside;

import io.mse.client.MseClient;
import io.mse.client.naming.Instance;
import java.nio.file.Files;
import java.util.List;
import java.util.function.Consumer;

/** {@link BenchClient} over our {@link MseClient} (v1 HTTP: batched long polls, UDP naming push). */
final class OursClient implements BenchClient {

  private final MseClient client;

  OursClient(String addr, String auth) throws Exception {
    MseClient.Builder builder = MseClient.builder().serverAddr(addr)
        .snapshotDir(Files.createTempDirectory("mse-bench-ours"));
    if (auth != null) {
      int colon = auth.indexOf(':');
      builder.credentials(auth.substring(0, colon), auth.substring(colon + 1));
    }
    client = builder.build();
  }

  @Override
  public String name() {
    return "ours";
  }

  @Override
  public String getConfig(String dataId, String group) {
    return client.config().getConfig(dataId, group);
  }

  @Override
  public void listen(String dataId, String group, Consumer<String> onContent) {
    client.config().addListener(dataId, group, event -> onContent.accept(event.content()));
  }

  @Override
  public void subscribe(String service, String group, Consumer<List<Integer>> onPorts) {
    client.naming().subscribe(service, group,
        event -> onPorts.accept(event.instances().stream().map(Instance::port).toList()));
  }

  @Override
  public int cachedInstanceCount(String service, String group) {
    return client.naming().getAllInstances(service, group).size();
  }

  @Override
  public void register(String service, String group, String ip, int port) {
    client.naming().registerInstance(service, group, Instance.of(ip, port));
  }

  @Override
  public void close() {
    client.close();
  }
}

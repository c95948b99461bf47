package io.mse.client.nacos.internal;

import io.mse.client.naming.Instance;
import io.mse.client.naming.ServiceKey;
import io.mse.client.spi.NamingEventSink;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what an engine reports. Thread-safe. */
final class RecordingNamingSink implements NamingEventSink {

  record Report(ServiceKey service, List<Instance> instances, boolean authoritative) {
    List<Integer> ports() {
      return instances.stream().map(Instance::port).toList();
    }
  }

  final List<Report> reports = new CopyOnWriteArrayList<>();

  @Override
  public void onInstances(ServiceKey service, List<Instance> instances, boolean authoritative) {
    reports.add(new Report(service, List.copyOf(instances), authoritative));
  }

  Report last() {
    return reports.get(reports.size() - 1);
  }
}

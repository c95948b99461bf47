package io.mse.client.dubbo.testing;

import java.util.function.Consumer;
import org.apache.dubbo.rpc.Exporter;
import org.apache.dubbo.rpc.ExporterListener;
import org.apache.dubbo.rpc.RpcException;

/**
 * A Dubbo exporter listener (test extension {@code mse-shutdown-probe}) that runs a test's check at the
 * moment a protocol stops serving a service (its exporter is unexported).
 */
public class ShutdownProbe implements ExporterListener {

  private static volatile Consumer<Exporter<?>> onUnexported = exporter -> {};

  /** Sets what to run when an exporter is unexported. */
  public static void onUnexported(Consumer<Exporter<?>> check) {
    onUnexported = check;
  }

  @Override
  public void exported(Exporter<?> exporter) throws RpcException {}

  @Override
  public void unexported(Exporter<?> exporter) {
    onUnexported.accept(exporter);
  }
}

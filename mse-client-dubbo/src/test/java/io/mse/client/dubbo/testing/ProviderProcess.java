package io.mse.client.dubbo.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.ProtocolConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.ServiceConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;

/**
 * A Dubbo provider alone in its JVM, as in production: Dubbo's default application, so that stopping it
 * destroys its protocols right after unregistering. Started by a test as a child process:
 * {@code ProviderProcess <registry address> <application> <tag> <port> <register mode> [key=value...]}
 * (registry parameters). Prints {@code started} once serving; on the line {@code stop} on its input, stops
 * Dubbo, prints {@code stopped <ms>} (how long the stop took) and exits.
 */
public final class ProviderProcess {

  private ProviderProcess() {}

  public static void main(String[] args) throws IOException {
    Loopback.forDubbo();
    Map<String, String> parameters = new HashMap<>();
    for (int i = 5; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      parameters.put(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    ApplicationConfig app = new ApplicationConfig(args[1]);
    app.setQosEnable(false);
    app.setEnableFileCache(false);
    app.setRegisterMode(args[4]);
    app.setMetadataServicePort(DubboApp.freePort());
    RegistryConfig registry = new RegistryConfig(args[0]);
    registry.setParameters(parameters);
    ServiceConfig<Greeter> service = new ServiceConfig<>();
    service.setInterface(Greeter.class);
    service.setRef(new TaggedGreeter(args[2]));
    service.setVersion("1.0.0");
    DubboBootstrap bootstrap = DubboBootstrap.getInstance().application(app).registry(registry)
        .protocol(new ProtocolConfig("tri", Integer.parseInt(args[3]))).service(service);
    bootstrap.start();
    System.out.println("started");
    System.out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null && !line.equals("stop")) {
      // wait for the stop
    }
    long start = System.nanoTime();
    bootstrap.stop();
    System.out.println("stopped " + (System.nanoTime() - start) / 1_000_000);
    System.out.flush();
    System.exit(0);
  }
}

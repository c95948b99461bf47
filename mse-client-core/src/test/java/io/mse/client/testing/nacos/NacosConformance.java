package io.mse.client.testing.nacos;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.ClassTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the annotated test class once against each real Nacos server of {@link NacosServers}: the
 * class's constructor or test methods take a {@link NacosServerTarget} parameter, and the test report
 * names the server of each run ({@code [Nacos 3.0.3 at 127.0.0.1:P, auth]}). With no server the
 * class is skipped with the one reason {@link NacosServers#absence()}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ClassTemplate
@ExtendWith(NacosServersExtension.class)
public @interface NacosConformance {}

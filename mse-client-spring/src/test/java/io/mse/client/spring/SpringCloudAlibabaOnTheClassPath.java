package io.mse.client.spring;

import org.springframework.asm.ClassWriter;
import org.springframework.asm.Opcodes;

/** Class loaders for tests that need a part of Spring Cloud Alibaba to look present. */
public final class SpringCloudAlibabaOnTheClassPath {

  private SpringCloudAlibabaOnTheClassPath() {}

  /** The test class path plus an empty public class named {@code className}. */
  public static ClassLoader classLoaderWith(String className) {
    return new ClassLoader(SpringCloudAlibabaOnTheClassPath.class.getClassLoader()) {
      @Override
      protected Class<?> findClass(String name) throws ClassNotFoundException {
        if (!name.equals(className)) {
          throw new ClassNotFoundException(name);
        }
        ClassWriter writer = new ClassWriter(0);
        writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, name.replace('.', '/'), null, "java/lang/Object", null);
        writer.visitEnd();
        byte[] bytes = writer.toByteArray();
        return defineClass(name, bytes, 0, bytes.length);
      }
    };
  }
}

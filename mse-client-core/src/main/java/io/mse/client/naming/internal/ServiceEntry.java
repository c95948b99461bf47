package io.mse.client.naming.internal;

import io.mse.client.naming.NamingListener;
import io.mse.client.naming.ServiceKey;
import io.mse.client.internal.FirstValueLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/** One followed service: its current state, its listeners, and whether its first read is done. */
final class ServiceEntry {

  final ServiceKey key;
  final CopyOnWriteArrayList<NamingListener> listeners = new CopyOnWriteArrayList<>();
  final AtomicBoolean loading = new AtomicBoolean();
  final FirstValueLatch started = new FirstValueLatch();
  /** Null until the first list is known; replaced whole under this entry's lock. */
  volatile ServiceState state;
  /** When {@link #state} was last set, epoch ms (wall clock); 0 before. */
  volatile long changedAtMillis;

  ServiceEntry(ServiceKey key) {
    this.key = key;
  }
}

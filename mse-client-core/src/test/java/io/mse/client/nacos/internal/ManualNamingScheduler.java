package io.mse.client.nacos.internal;

import java.time.Duration;
import java.util.PriorityQueue;

/**
 * A {@link NamingScheduler} driven by the test: tasks run on the thread that calls {@link #advance},
 * in order of due time, when the fake clock reaches it. Thread-safe.
 */
final class ManualNamingScheduler implements NamingScheduler {

  private record Task(long dueMillis, long seq, Runnable body, boolean[] cancelled) {}

  private final PriorityQueue<Task> queue = new PriorityQueue<>((a, b) -> a.dueMillis != b.dueMillis
      ? Long.compare(a.dueMillis, b.dueMillis) : Long.compare(a.seq, b.seq));
  private long nowMillis;
  private long seq;
  private boolean closed;

  @Override
  public synchronized Cancellable schedule(Runnable task, Duration delay) {
    if (closed) {
      return Cancellable.NONE;
    }
    boolean[] cancelled = new boolean[1];
    queue.add(new Task(nowMillis + Math.max(0, delay.toMillis()), seq++, task, cancelled));
    return () -> {
      synchronized (this) {
        cancelled[0] = true;
      }
    };
  }

  /** Moves the clock forward, running every task that falls due, including ones they schedule. */
  void advance(Duration duration) {
    long target;
    synchronized (this) {
      target = nowMillis + duration.toMillis();
    }
    while (true) {
      Task next;
      synchronized (this) {
        next = queue.peek();
        if (next == null || next.dueMillis > target) {
          nowMillis = target;
          return;
        }
        queue.poll();
        nowMillis = next.dueMillis;
        if (next.cancelled[0] || closed) {
          continue;
        }
      }
      next.body.run();
    }
  }

  /** Returns how many tasks wait, cancelled ones left out. */
  synchronized int pending() {
    return (int) queue.stream().filter(t -> !t.cancelled[0]).count();
  }

  @Override
  public synchronized void close() {
    closed = true;
    queue.clear();
  }
}

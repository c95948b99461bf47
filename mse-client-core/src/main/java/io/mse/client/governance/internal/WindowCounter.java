package io.mse.client.governance.internal;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts events of a few kinds ("channels") over a sliding window of ticker time, in 10 buckets.
 * Lock-free; a bucket being recycled by one thread may lose an increment made concurrently by
 * another, which is acceptable for the budgets and rates it serves. Thread-safe.
 */
final class WindowCounter {

  private static final int BUCKETS = 10;

  private final long bucketNanos;
  private final int channels;
  private final AtomicLongArray epochs = new AtomicLongArray(BUCKETS);
  private final AtomicLongArray counts;

  WindowCounter(long windowNanos, int channels) {
    this.bucketNanos = Math.max(1, windowNanos / BUCKETS);
    this.channels = channels;
    this.counts = new AtomicLongArray(BUCKETS * channels);
    for (int i = 0; i < BUCKETS; i++) {
      epochs.set(i, Long.MIN_VALUE);
    }
  }

  /** Adds one event of {@code channel} at ticker time {@code now}. */
  void add(long now, int channel) {
    long epoch = Math.floorDiv(now, bucketNanos);
    int bucket = (int) Math.floorMod(epoch, (long) BUCKETS);
    long seen = epochs.get(bucket);
    if (seen != epoch) {
      if (seen < epoch && epochs.compareAndSet(bucket, seen, epoch)) {
        for (int c = 0; c < channels; c++) {
          counts.set(bucket * channels + c, 0);
        }
      } else if (epochs.get(bucket) != epoch) {
        return; // a stale event for a bucket already recycled: drop it
      }
    }
    counts.incrementAndGet(bucket * channels + channel);
  }

  /** Returns the events of {@code channel} in the window ending at {@code now}. */
  long sum(long now, int channel) {
    long epoch = Math.floorDiv(now, bucketNanos);
    long total = 0;
    for (int b = 0; b < BUCKETS; b++) {
      long e = epochs.get(b);
      if (e <= epoch && e > epoch - BUCKETS) {
        total += counts.get(b * channels + channel);
      }
    }
    return total;
  }

  /** Forgets every event. */
  void clear() {
    for (int i = 0; i < BUCKETS; i++) {
      epochs.set(i, Long.MIN_VALUE);
    }
  }
}

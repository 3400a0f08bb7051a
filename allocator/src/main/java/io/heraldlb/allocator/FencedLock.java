package io.heraldlb.allocator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.Lock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The Lease lock, recording how long this replica may still write. Leadership callbacks arrive
 * late: a renewal that keeps failing ends leadership only at the renew deadline, and the callback
 * after that. A rival takes the Lease once its clock passes the last renewal's time plus the lease
 * duration. So each write asks {@link #holds()}: true only until {@code window} (the renew
 * deadline) after the start of the last renewal the API server accepted. The rest of the lease
 * duration is the margin for a write already in flight and for clocks that disagree.
 */
final class FencedLock implements Lock {
  private final Lock lock;
  private final long windowNanos;
  private final LongSupplier nanoTime;
  private volatile long attemptStart;
  private volatile long validUntil;
  private volatile boolean valid;

  FencedLock(Lock lock, Duration window, LongSupplier nanoTime) {
    this.lock = lock;
    this.windowNanos = window.toNanos();
    this.nanoTime = nanoTime;
  }

  /** Whether this replica holds the Lease now, by its last accepted renewal. */
  boolean holds() {
    return valid && nanoTime.getAsLong() - validUntil < 0;
  }

  /** No more writes, whatever the Lease says: this replica stops leading. */
  void revoke() {
    valid = false;
  }

  @Override
  public LeaderElectionRecord get(KubernetesClient client) {
    // The elector reads its clock for the new record's renew time just before this call.
    attemptStart = nanoTime.getAsLong();
    LeaderElectionRecord current = lock.get(client);
    if (current != null && !identity().equals(current.getHolderIdentity())) {
      revoke();
    }
    return current;
  }

  @Override
  public void create(KubernetesClient client, LeaderElectionRecord record) {
    lock.create(client, record);
    accepted(record);
  }

  @Override
  public void update(KubernetesClient client, LeaderElectionRecord record) {
    lock.update(client, record);
    accepted(record);
  }

  private void accepted(LeaderElectionRecord record) {
    if (Objects.equals(identity(), record.getHolderIdentity())) {
      validUntil = attemptStart + windowNanos;
      valid = true;
    } else {
      revoke(); // released
    }
  }

  @Override
  public String identity() {
    return lock.identity();
  }

  @Override
  public String describe() {
    return lock.describe();
  }
}

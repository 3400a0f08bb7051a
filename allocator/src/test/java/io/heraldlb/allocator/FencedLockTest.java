package io.heraldlb.allocator;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.Lock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FencedLockTest {
  final AtomicLong now = new AtomicLong(1_000_000_000L);
  final StoredLock stored = new StoredLock();
  final FencedLock lock = new FencedLock(stored, Duration.ofSeconds(10), now::get);

  @Test
  void holdsFromAnAcceptedRenewalUntilTheWindowAfterItsStart() {
    assertFalse(lock.holds(), "nothing written yet");
    renew("a");
    now.addAndGet(Duration.ofMillis(9_999).toNanos());
    assertTrue(lock.holds());
    now.addAndGet(Duration.ofMillis(1).toNanos());
    assertFalse(lock.holds(), "a rival may take the Lease soon: stop writing now");
  }

  @Test
  void theWindowCountsFromTheStartOfTheRenewalNotItsSlowReply() {
    lock.get(null);
    now.addAndGet(Duration.ofSeconds(4).toNanos()); // the API server took 4 s to answer
    lock.update(null, record("a"));
    now.addAndGet(Duration.ofSeconds(6).toNanos());
    assertFalse(lock.holds());
  }

  @Test
  void aRefusedRenewalDoesNotExtendIt() {
    renew("a");
    now.addAndGet(Duration.ofSeconds(5).toNanos());
    stored.refuse = true;
    lock.get(null);
    assertThrows(KubernetesClientException.class, () -> lock.update(null, record("a")));
    now.addAndGet(Duration.ofSeconds(5).toNanos());
    assertFalse(lock.holds());
  }

  @Test
  void seeingAnotherHolderOrReleasingEndsItAtOnce() {
    renew("a");
    stored.current = record("b");
    lock.get(null);
    assertFalse(lock.holds(), "b holds the Lease");

    renew("a");
    lock.get(null);
    lock.update(null, record(null)); // the elector's release
    assertFalse(lock.holds());

    renew("a");
    lock.revoke();
    assertFalse(lock.holds());
  }

  private void renew(String holder) {
    stored.current = record(holder);
    lock.get(null);
    lock.update(null, record(holder));
  }

  private static LeaderElectionRecord record(String holder) {
    ZonedDateTime t = ZonedDateTime.now();
    return new LeaderElectionRecord(holder, Duration.ofSeconds(15), t, t, 0);
  }

  /** The Lease as the API server keeps it; {@code refuse} fails writes as a 409 would. */
  static final class StoredLock implements Lock {
    LeaderElectionRecord current;
    boolean refuse;

    @Override
    public LeaderElectionRecord get(KubernetesClient client) {
      return current;
    }

    @Override
    public void create(KubernetesClient client, LeaderElectionRecord record) {
      update(client, record);
    }

    @Override
    public void update(KubernetesClient client, LeaderElectionRecord record) {
      if (refuse) {
        throw new KubernetesClientException("conflict", 409, null);
      }
      current = record;
    }

    @Override
    public String identity() {
      return "a";
    }

    @Override
    public String describe() {
      return "test/lease";
    }
  }
}

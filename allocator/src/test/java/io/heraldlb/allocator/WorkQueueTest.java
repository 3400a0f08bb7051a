package io.heraldlb.allocator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkQueueTest {

  @Test
  void handsOutEachWaitingKeyOnceInFirstAddedOrder() throws InterruptedException {
    WorkQueue<String> q = new WorkQueue<>(Clock.systemUTC());
    q.add("b");
    q.add("a");
    q.add("b");
    q.add("c");
    List<String> taken = new ArrayList<>();
    while (q.depth() > 0) {
      taken.add(q.take());
    }
    assertEquals(List.of("b", "a", "c"), taken);
  }

  @Test
  void makesADelayedKeyDueAtOnceWhenItIsAddedAgain() throws InterruptedException {
    WorkQueue<String> q = new WorkQueue<>(Clock.systemUTC());
    q.addAfter("later", Duration.ofHours(1));
    assertEquals(1, q.depth());
    q.add("later");
    assertEquals("later", q.take());
    assertEquals(0, q.depth());
  }

  @Test
  void countsFailuresUntilASuccess() {
    WorkQueue<String> q = new WorkQueue<>(Clock.systemUTC());
    assertEquals(1, q.failed("k"));
    assertEquals(2, q.failed("k"));
    q.succeeded("k");
    assertEquals(1, q.failed("k"));
  }

  @Test
  void backsOffExponentiallyUpToTheCap() {
    WorkQueue.Backoff b = new WorkQueue.Backoff(Duration.ofMillis(500), Duration.ofSeconds(60));
    assertEquals(Duration.ofMillis(500), b.after(1));
    assertEquals(Duration.ofSeconds(1), b.after(2));
    assertEquals(Duration.ofSeconds(4), b.after(4));
    assertEquals(Duration.ofSeconds(60), b.after(8));
    assertEquals(Duration.ofSeconds(60), b.after(1000));
  }
}

package io.heraldlb.speaker.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The capture threads' slice request, made on threads of this test (it needs no privilege). */
class SchedulerSliceTest {

  @Test
  void aThreadGetsTheSliceItAsksForWhereTheKernelHasCustomSlices() throws Exception {
    long before = onNewThread(Linux::slice);
    Assumptions.assumeTrue(
        before > 0, "this kernel reports no slice for SCHED_OTHER threads (before Linux 6.12)");

    assertEquals(
        CaptureThread.SLICE_NANOS,
        onNewThread(() -> Linux.requestSlice(CaptureThread.SLICE_NANOS)));
    // Out of range: the kernel clamps to 0.1 ms, and the thread keeps running normally.
    assertEquals(100_000, onNewThread(() -> Linux.requestSlice(1_000)));
  }

  interface NativeCall {
    long call() throws Exception;
  }

  private static long onNewThread(NativeCall call) throws Exception {
    CompletableFuture<Long> result = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try {
                result.complete(call.call());
              } catch (Exception | Error e) {
                result.completeExceptionally(e);
              }
            });
    t.start();
    t.join();
    try {
      return result.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }
}

package io.heraldlb.runtime;

import java.util.concurrent.ThreadFactory;

/** Threads of the programs' own executors: named for thread dumps, daemon so none holds exit. */
public final class DaemonThreads {
  private DaemonThreads() {}

  public static ThreadFactory named(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}

package io.heraldlb.it.bench;

import io.heraldlb.it.lab.LabException;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/** The command line of a lab benchmark: options parsed or usage shown, lab failures reported. */
final class BenchMain {
  private BenchMain() {}

  /** Exits 2 on bad options (with {@code usage}), 1 when the lab fails, 0 when done. */
  static <O> void run(
      String[] args, String usage, Function<List<String>, O> parse, Consumer<O> benchmark) {
    O options;
    try {
      options = parse.apply(List.of(args));
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.print(usage);
      System.exit(2);
      return;
    }
    try {
      benchmark.accept(options);
    } catch (LabException e) {
      System.err.println("bench: " + e.getMessage());
      System.exit(1);
    }
    System.exit(0);
  }
}

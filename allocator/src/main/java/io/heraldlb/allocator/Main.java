package io.heraldlb.allocator;

import io.heraldlb.config.ValidateCommand;
import java.util.Arrays;
import java.util.List;

/** Entry point of {@code heraldlb-allocator.jar}. */
public final class Main {
  private Main() {}

  static final String USAGE =
      """
      usage: java -jar heraldlb-allocator.jar [run]      run the allocator
             java -jar heraldlb-allocator.jar validate FILE
                                                         check a pool ConfigMap manifest or pools.conf
             java -jar heraldlb-allocator.jar --help     this text
      """;

  public static void main(String[] args) {
    System.exit(run(Arrays.asList(args)));
  }

  static int run(List<String> args) {
    String command = args.isEmpty() ? "run" : args.get(0);
    switch (command) {
      case "--help", "-h", "help" -> {
        System.out.print(USAGE);
        return 0;
      }
      case "validate" -> {
        return ValidateCommand.run(args.subList(1, args.size()), System.out, System.err);
      }
      default -> {
        System.err.print(USAGE);
        return 2;
      }
    }
  }
}

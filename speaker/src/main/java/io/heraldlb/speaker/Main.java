package io.heraldlb.speaker;

import java.util.Arrays;
import java.util.List;

/** Entry point of {@code heraldlb-speaker.jar}. */
public final class Main {
  private Main() {}

  static final String USAGE =
      """
      usage: java -jar heraldlb-speaker.jar [run]      run the speaker on this node
             java -jar heraldlb-speaker.jar --help     this text
      """;

  public static void main(String[] args) {
    System.exit(run(Arrays.asList(args)));
  }

  static int run(List<String> args) {
    String command = args.isEmpty() ? "run" : args.get(0);
    if (List.of("--help", "-h", "help").contains(command)) {
      System.out.print(USAGE);
      return 0;
    }
    System.err.print(USAGE);
    return 2;
  }
}

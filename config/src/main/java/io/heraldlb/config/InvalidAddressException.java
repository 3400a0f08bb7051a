package io.heraldlb.config;

/** Thrown for address text that cannot be parsed; carries the bad text for the error message. */
public final class InvalidAddressException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String text;
  private final String reason;

  public InvalidAddressException(String text, String reason) {
    super(text + ": " + reason);
    this.text = text;
    this.reason = reason;
  }

  public String text() {
    return text;
  }

  public String reason() {
    return reason;
  }
}

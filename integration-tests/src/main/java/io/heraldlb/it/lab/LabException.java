package io.heraldlb.it.lab;

/** Something in the lab could not be set up or observed; the message says what and why. */
public final class LabException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LabException(String message) {
    super(message);
  }

  public LabException(String message, Throwable cause) {
    super(message, cause);
  }
}

package io.heraldlb.speaker.packet;

/** A frame the parser refused, with a short detail for debug logs. */
public record Unparsed(ParseFailure failure, String detail) implements ParsedFrame {}

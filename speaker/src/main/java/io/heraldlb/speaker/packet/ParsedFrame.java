package io.heraldlb.speaker.packet;

/** What {@link FrameParser} made of a frame: an ARP packet, an NDP message, or why neither. */
public sealed interface ParsedFrame permits ArpFrame, NdpFrame, Unparsed {}

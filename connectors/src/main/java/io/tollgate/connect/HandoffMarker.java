package io.tollgate.connect;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * What an owner of a dispatch partition says of its tenure, on the handoff topic, keyed by the partition.
 *
 * <p>An owner writes {@link Started} before it starts any call of the partition, and {@link Stopped} when it
 * lets the partition go: no offset above {@code sawUpTo} was received by it, nor by any owner before it. The
 * next owner trusts that only when the partition's last marker before its own is that stop and the last start
 * before it is the same owner's ({@link #unseenAbove}): any other sequence (an owner that crashed, one that
 * overlapped, markers lost to retention, a record it cannot read) means "unknown", and it treats every late call
 * as one that may be under way elsewhere, as it would without markers.
 */
sealed interface HandoffMarker {

    /** An owner id: a random UUID per tenure, so no two tenures share one. */
    Pattern OWNER = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    record Started(String owner) implements HandoffMarker {
        @Override
        public String encode() {
            return "STARTED " + owner;
        }
    }

    /** @param sawUpTo no offset above this was received by this owner or any before it; -1 when none was */
    record Stopped(String owner, long sawUpTo) implements HandoffMarker {
        @Override
        public String encode() {
            return "STOPPED " + owner + " " + sawUpTo;
        }
    }

    /** A record of the topic that is none of the above: it breaks the sequence, so nothing is trusted across it. */
    record Unreadable() implements HandoffMarker {
        @Override
        public String encode() {
            throw new UnsupportedOperationException("an unreadable marker is never written");
        }
    }

    String encode();

    /** The marker of a record's value; anything but what {@link #encode} writes is {@link Unreadable}. */
    static HandoffMarker parse(byte[] value) {
        if (value == null || value.length > 128) {
            return new Unreadable();
        }
        String[] parts = new String(value, StandardCharsets.UTF_8).split(" ", -1);
        if (parts.length < 2 || !OWNER.matcher(parts[1]).matches()) {
            return new Unreadable();
        }
        if (parts.length == 2 && parts[0].equals("STARTED")) {
            return new Started(parts[1]);
        }
        if (parts.length == 3 && parts[0].equals("STOPPED") && parts[2].matches("-1|0|[1-9][0-9]{0,18}")) {
            try {
                return new Stopped(parts[1], Long.parseLong(parts[2]));
            } catch (NumberFormatException tooLarge) {
                return new Unreadable();
            }
        }
        return new Unreadable();
    }

    /**
     * Offsets above the returned value were received by no earlier owner of the partition, given the markers
     * written for it before this owner's own start, oldest first; empty when that cannot be known.
     *
     * <p>Trusted: the last marker is a stop, and the last start before it is the same owner's. Between the two
     * there may be only stops of owners that started earlier: they had let the partition go before it was taken
     * again, and their markers landed late. Any other start there, or an unreadable record, and nothing is trusted.
     */
    static OptionalLong unseenAbove(List<HandoffMarker> before) {
        if (before.isEmpty() || !(before.get(before.size() - 1) instanceof Stopped stopped)) {
            return OptionalLong.empty();
        }
        // A late stop says how far its owner received; normally no further than this owner's own vouching.
        long sawUpTo = stopped.sawUpTo();
        for (int i = before.size() - 2; i >= 0; i--) {
            HandoffMarker marker = before.get(i);
            if (marker instanceof Started started) {
                return started.owner().equals(stopped.owner()) ? OptionalLong.of(sawUpTo) : OptionalLong.empty();
            }
            if (marker instanceof Stopped late) {
                sawUpTo = Math.max(sawUpTo, late.sawUpTo());
            } else {
                return OptionalLong.empty();
            }
        }
        return OptionalLong.empty();
    }
}

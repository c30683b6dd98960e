package org.flexiq.simulator;

import java.util.Arrays;

/**
 * Spans of execute-unit activity as the cycle breakdown reads them: each span [start, end) of an {@link Activity} kept
 * as two primitive event keys, {@code time << 8 | starts << 4 | activity}, which the breakdown reads in key order.
 * Keys wait in a small binary min-heap until {@link #advance} promises that no span to come starts before a time; the
 * keys before it then move, in order, to one growing array. The fast engine advances to each execute op's start (those
 * never fall), so only the spans still open wait, and a run's events come out sorted without sorting them all: sorting
 * was a fifth of a small array's run. An engine that never advances gets them heap-sorted at the end.
 */
final class ActivitySpans {
    private long[] ordered = new long[1024];
    private int size;
    private long[] heap = new long[64];
    private int pending;
    /** No span may start before this. */
    private long watermark;

    void add(long start, long end, int activity) {
        if (end <= start) {
            return;
        }
        if (start < watermark) {
            throw new IllegalStateException("a span at " + start + " after the promise that none starts before " + watermark);
        }
        push(start << 8 | 1 << 4 | activity);
        push(end << 8 | activity);
    }

    /** Promises that no span added from now on starts before {@code time}: every event before it is put in order. */
    void advance(long time) {
        if (time <= watermark) {
            return;
        }
        watermark = time;
        while (pending > 0 && time(heap[0]) < time) {
            append(pop());
        }
    }

    /** Empties the spans for another run, keeping the room they had. */
    void clear() {
        size = 0;
        pending = 0;
        watermark = 0;
    }

    /**
     * The event keys sorted (the order among events at one time does not matter to the breakdown), the first
     * {@link #events()} of the array returned. Spans added later must not start before the last event.
     */
    long[] sortedEvents() {
        while (pending > 0) {
            append(pop());
        }
        if (size > 0) {
            watermark = Math.max(watermark, time(ordered[size - 1]));
        }
        return ordered;
    }

    /** How many event keys {@link #sortedEvents()} holds. */
    int events() {
        return size + pending;
    }

    private void append(long key) {
        if (size == ordered.length) {
            ordered = Arrays.copyOf(ordered, Math.max(1024, size * 2));
        }
        ordered[size++] = key;
    }

    private void push(long key) {
        if (pending == heap.length) {
            heap = Arrays.copyOf(heap, pending * 2);
        }
        int i = pending++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heap[parent] <= key) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = key;
    }

    private long pop() {
        long top = heap[0];
        long last = heap[--pending];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= pending) {
                break;
            }
            if (child + 1 < pending && heap[child + 1] < heap[child]) {
                child++;
            }
            if (heap[child] >= last) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        if (pending > 0) {
            heap[i] = last;
        }
        return top;
    }

    static long time(long event) {
        return event >>> 8;
    }

    static int activity(long event) {
        return (int) (event & 15);
    }

    static boolean starts(long event) {
        return (event >> 4 & 1) != 0;
    }
}

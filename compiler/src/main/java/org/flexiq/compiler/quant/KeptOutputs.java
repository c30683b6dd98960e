package org.flexiq.compiler.quant;

import org.flexiq.workloads.ir.FloatTensor;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Node outputs of the calibration samples kept from {@link Calibrator#calibrate}'s pass for
 * {@link Calibrator#codeHistograms}'s, which needs the final scales and so a second look at the same values: a kept
 * sample is not run again. Samples are kept while their tensors fit the bytes left in a pool; which ones fit depends on
 * thread timing, the histograms do not (the float executor gives the same values either way, and counts add).
 * {@link #release} gives the bytes back.
 */
public final class KeptOutputs {
    /** A quarter of the heap, shared by the calibrations in flight (a sweep quantizes per group width in parallel). */
    private static final AtomicLong HEAP_SHARE = new AtomicLong(Runtime.getRuntime().maxMemory() / 4);

    private final Set<String> tensors;
    private final AtomicLong pool;
    private final AtomicLong bytes = new AtomicLong();
    private final Map<Integer, Map<String, FloatTensor>> bySample = new ConcurrentHashMap<>();

    private KeptOutputs(Collection<String> tensors, AtomicLong pool) {
        this.tensors = Set.copyOf(tensors);
        this.pool = pool;
    }

    /** @param tensors the node outputs to keep (the sites'); {@code budget} bytes at most */
    public KeptOutputs(Collection<String> tensors, long budget) {
        this(tensors, new AtomicLong(budget));
    }

    /** Kept within the shared quarter of the heap. */
    public static KeptOutputs ofHeapShare(Collection<String> tensors) {
        return new KeptOutputs(tensors, HEAP_SHARE);
    }

    /** How many samples' outputs are kept. */
    public int samples() {
        return bySample.size();
    }

    /** The bytes of the outputs kept. */
    public long bytes() {
        return bytes.get();
    }

    /** Forgets the outputs and gives their bytes back to the pool. */
    public void release() {
        bySample.clear();
        pool.addAndGet(bytes.getAndSet(0));
    }

    boolean wants(String tensor) {
        return tensors.contains(tensor);
    }

    /** The kept outputs of a sample, or null. */
    Map<String, FloatTensor> outputs(int sample) {
        return bySample.get(sample);
    }

    /** Keeps one sample's outputs if they fit what is left of the pool. */
    void offer(int sample, Map<String, FloatTensor> outputs) {
        long size = 0;
        for (FloatTensor t : outputs.values()) {
            size += 4L * t.data().length;
        }
        long add = size;
        long before = pool.getAndAccumulate(add, (left, x) -> left >= x ? left - x : left);
        if (before >= add) {
            bytes.addAndGet(add);
            bySample.put(sample, outputs);
        }
    }
}

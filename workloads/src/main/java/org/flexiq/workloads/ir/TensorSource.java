package org.flexiq.workloads.ir;

import java.util.List;

/**
 * Named tensors of a model: loaded from a file, or generated on demand (the zoo's synthetic weights), so a
 * writer can stream a large model without holding all of it.
 */
public interface TensorSource {
    /** Tensor names, in the order they are stored. */
    List<String> names();

    /** The tensor called {@code name}; an {@link IrException} when there is none. */
    Tensor get(String name);
}

package org.flexiq.workloads.ir;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Tensors held in memory, in insertion order. */
public final class MapTensorSource implements TensorSource {
    private final Map<String, Tensor> tensors;

    public MapTensorSource(Map<String, Tensor> tensors) {
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    /** Loads every tensor of {@code source} into memory. */
    public static MapTensorSource copyOf(TensorSource source) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (String n : source.names()) {
            m.put(n, source.get(n));
        }
        return new MapTensorSource(m);
    }

    @Override
    public List<String> names() {
        return List.copyOf(tensors.keySet());
    }

    @Override
    public Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IrException("no tensor named '" + name + "'");
        }
        return t;
    }
}

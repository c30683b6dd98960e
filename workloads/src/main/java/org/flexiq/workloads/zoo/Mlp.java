package org.flexiq.workloads.zoo;

import org.flexiq.workloads.ir.Flatten;
import org.flexiq.workloads.ir.Relu;
import org.flexiq.workloads.ir.Shape;

/** A small MLP for 28x28 single-channel images (MNIST-sized): 784-256-128-10 with ReLU. */
final class Mlp implements Architecture {
    @Override
    public String[] define(GraphBuilder b, ZooOptions o) {
        String x = b.input("image", Shape.of(1, 28, 28));
        x = b.op("flatten", new Flatten(0), x);
        x = b.act("relu1", new Relu(), b.linear("fc1", x, 256, true, Math.sqrt(2)));
        x = b.act("relu2", new Relu(), b.linear("fc2", x, 128, true, Math.sqrt(2)));
        return new String[]{b.linear("fc3", x, 10, true, 1.0)};
    }
}

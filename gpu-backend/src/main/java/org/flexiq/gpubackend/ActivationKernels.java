package org.flexiq.gpubackend;

import org.flexiq.isa.arith.FourBit;

import org.flexiq.workloads.ir.Conv2d;
import org.flexiq.workloads.ir.Shape;

/** Where the kernels that prepare a GEMM's activations run: in Java ({@link #JAVA}) or on a GPU ({@link CudaDevice}). */
public interface ActivationKernels {
    /** {@code flexiq_extract}: see {@link ExtractKernel}. */
    ExtractKernel.Extracted extract(byte[] x, int positions, int[] chan, int four, int group, int slice, int[] staticShift, FourBit.Codes codes);

    /** {@code flexiq_im2col}: see {@link Im2colKernel}; {@code conv} null for a product over the last dimension. */
    Im2colKernel.Rows im2col(ExtractKernel.Extracted e, Conv2d conv, Shape in, Shape out, int m, int k8);

    ActivationKernels JAVA = new ActivationKernels() {
        @Override
        public ExtractKernel.Extracted extract(byte[] x, int positions, int[] chan, int four, int group, int slice, int[] staticShift,
                                               FourBit.Codes codes) {
            return ExtractKernel.run(x, positions, chan, four, group, slice, staticShift, codes);
        }

        @Override
        public Im2colKernel.Rows im2col(ExtractKernel.Extracted e, Conv2d conv, Shape in, Shape out, int m, int k8) {
            return Im2colKernel.run(e, conv, in, out, m, conv == null ? 1 : conv.kernelH() * conv.kernelW(), k8);
        }
    };
}

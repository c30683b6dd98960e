/**
 * FlexiQ on GPUs: JCuda kernels where a GPU is present, bit-exact emulation and a tensor-core timing model where not (issue 8).
 */
package org.flexiq.gpubackend;

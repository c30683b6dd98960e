// Times the FlexiQ GEMM kernel against cuBLASLt's int8 GEMM on the same shapes, on a real GPU.
//
// Input (stdin or the file named first): the lines `sim gpu MODEL --gemm-shapes FILE` writes, one per
// tensor-core GEMM of an inference at a ratio:
//   ratio name M N K k8 k4 slice
// K is the whole reduction (taps x input channels); k8 and k4 the lengths the FlexiQ kernel's int8 and int4
// MMAs run over (padded as its buffers are), slice the codes of one 4-bit k-slice.
// For each line, on random operands: flexiq_gemm (k4 is its run-time MAX_4BIT_CH argument) and
// cublasLtMatmul on int8 A [M][K] x W [N][K]^T (K padded to 32, as the FlexiQ kernel's int8 part is), each
// launched 3 times to warm up, then timed with CUDA events in 9 bursts of 20 back-to-back launches: the median
// burst over 20 is kept, so the time is the kernel's in a full stream, not a lone launch's latency (on the lent
// H200 a lone launch's events read at least about 10 us whatever the kernel; gpu-backend/README.md, "Measured").
// Both results are checked on 256 sampled outputs against this file's host arithmetic (the FlexiQ kernel's
// own requant() and activate(), so bit for bit; cuBLASLt's int8 output within 1 of round(alpha x acc)).
// Output: CSV on stdout, one row per line of input, then a summary per ratio on stderr.
// Build and run: tools/gemm_bench.sh (it picks -arch from the device, -DFLEXIQ_WIDEN_INT4 on sm_90, -DFLEXIQ_TURING on sm_75).
#include "flexiq_gemm.cu"

#include <cublasLt.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#define CUDA_OK(x) check_cuda((x), #x, __LINE__)
#define LT_OK(x) check_lt((x), #x, __LINE__)

static void check_cuda(cudaError_t e, const char* what, int line) {
    if (e != cudaSuccess) {
        fprintf(stderr, "gemm_bench: line %d: %s: %s\n", line, what, cudaGetErrorString(e));
        exit(1);
    }
}

static void check_lt(cublasStatus_t s, const char* what, int line) {
    if (s != CUBLAS_STATUS_SUCCESS) {
        fprintf(stderr, "gemm_bench: line %d: %s: cuBLAS status %d\n", line, what, (int)s);
        exit(1);
    }
}

struct Shape {
    std::string ratio, name;
    int m, n, k, k8, k4, slice;
};

static const int WARMUP = 3;
static const int REPEATS = 9;
static const int BURST = 20;
static const int SAMPLES = 256;

// Deterministic random bytes, each in [lo, hi].
__global__ void fill(int8_t* p, size_t n, uint32_t seed, int lo, int hi) {
    size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    uint32_t h = (uint32_t)i * 2654435761u ^ seed;
    h ^= h >> 15;
    h *= 2246822519u;
    h ^= h >> 13;
    p[i] = (int8_t)(lo + (int)(h % (uint32_t)(hi - lo + 1)));
}

static int8_t* random_bytes(size_t n, uint32_t seed, int lo, int hi) {
    int8_t* p = nullptr;
    CUDA_OK(cudaMalloc(&p, std::max<size_t>(n, 16)));
    if (n > 0) {
        fill<<<(unsigned)((n + 255) / 256), 256>>>(p, n, seed, lo, hi);
        CUDA_OK(cudaGetLastError());
    }
    return p;
}

static std::vector<int8_t> host(const int8_t* d, size_t n) {
    std::vector<int8_t> h(n);
    if (n > 0) CUDA_OK(cudaMemcpy(h.data(), d, n, cudaMemcpyDeviceToHost));
    return h;
}

template <class Launch>
static float median_ms(Launch launch, cudaStream_t stream) {
    for (int i = 0; i < WARMUP; i++) launch();
    cudaEvent_t a, b;
    CUDA_OK(cudaEventCreate(&a));
    CUDA_OK(cudaEventCreate(&b));
    std::vector<float> ms;
    for (int i = 0; i < REPEATS; i++) {
        CUDA_OK(cudaEventRecord(a, stream));
        for (int j = 0; j < BURST; j++) launch();
        CUDA_OK(cudaEventRecord(b, stream));
        CUDA_OK(cudaEventSynchronize(b));
        float t;
        CUDA_OK(cudaEventElapsedTime(&t, a, b));
        ms.push_back(t / BURST);
    }
    CUDA_OK(cudaGetLastError());
    CUDA_OK(cudaEventDestroy(a));
    CUDA_OK(cudaEventDestroy(b));
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
}

static int code(const std::vector<int8_t>& packed, size_t i) {
    int nibble = (packed[i >> 1] >> (4 * (i & 1))) & 0xf;
    return (nibble ^ 8) - 8;
}

// The FlexiQ kernel: returns the median in ms; `ok` says whether the sampled outputs equal the host arithmetic.
static float time_flexiq(const Shape& s, cudaStream_t stream, bool& ok) {
    const int slices = s.k4 / s.slice;
    int8_t* a4 = random_bytes((size_t)s.m * s.k4 / 2, 1, -128, 127);
    int8_t* a8 = random_bytes((size_t)s.m * s.k8, 2, -128, 127);
    int8_t* as = random_bytes((size_t)s.m * slices, 3, 0, 3);
    int8_t* w4 = random_bytes((size_t)s.n * s.k4 / 2, 4, -128, 127);
    int8_t* w8 = random_bytes((size_t)s.n * s.k8, 5, -128, 127);
    int8_t* ws = random_bytes((size_t)s.n * slices, 6, 0, 3);
    std::vector<int> bias(s.n), mult(s.n), shift(s.n);
    for (int c = 0; c < s.n; c++) {
        bias[c] = (c * 7919) % 20001 - 10000;
        mult[c] = (1 << 30) + (c * 104729) % (1 << 30);
        shift[c] = -12;
    }
    int *db, *dm, *ds;
    CUDA_OK(cudaMalloc(&db, s.n * sizeof(int)));
    CUDA_OK(cudaMalloc(&dm, s.n * sizeof(int)));
    CUDA_OK(cudaMalloc(&ds, s.n * sizeof(int)));
    CUDA_OK(cudaMemcpy(db, bias.data(), s.n * sizeof(int), cudaMemcpyHostToDevice));
    CUDA_OK(cudaMemcpy(dm, mult.data(), s.n * sizeof(int), cudaMemcpyHostToDevice));
    CUDA_OK(cudaMemcpy(ds, shift.data(), s.n * sizeof(int), cudaMemcpyHostToDevice));
    int8_t* out;
    CUDA_OK(cudaMalloc(&out, (size_t)s.m * s.n));
    // one block of 128 threads per 64 x 64 output tile, as CudaDevice launches it
    const unsigned blocks = (unsigned)(((s.m + FLEXIQ_BM - 1) / FLEXIQ_BM) * ((s.n + FLEXIQ_BN - 1) / FLEXIQ_BN));
    float ms = median_ms([&] {
        flexiq_gemm<<<blocks, FLEXIQ_THREADS, 0, stream>>>(s.m, s.n, s.k4, s.k8, s.slice, (const uint8_t*)a4, a8, as, (const uint8_t*)w4, w8, ws, db, dm, ds,
                                                -128, 127, nullptr, out);
    }, stream);
    std::vector<int8_t> ha4 = host(a4, (size_t)s.m * s.k4 / 2), ha8 = host(a8, (size_t)s.m * s.k8), has = host(as, (size_t)s.m * slices);
    std::vector<int8_t> hw4 = host(w4, (size_t)s.n * s.k4 / 2), hw8 = host(w8, (size_t)s.n * s.k8), hws = host(ws, (size_t)s.n * slices);
    std::vector<int8_t> hout = host(out, (size_t)s.m * s.n);
    ok = true;
    for (int i = 0; i < SAMPLES; i++) {
        int r = (int)((i * 2654435761u) % (uint32_t)s.m), c = (int)((i * 40503u + 7) % (uint32_t)s.n);
        int acc = bias[c];
        for (int g = 0; g < slices; g++) {
            int part = 0;
            for (int q = g * s.slice; q < (g + 1) * s.slice; q++) {
                part += code(ha4, (size_t)r * s.k4 + q) * code(hw4, (size_t)c * s.k4 + q);
            }
            acc += part << (has[(size_t)r * slices + g] + hws[(size_t)c * slices + g]);
        }
        for (int q = 0; q < s.k8; q++) acc += ha8[(size_t)r * s.k8 + q] * hw8[(size_t)c * s.k8 + q];
        if (hout[(size_t)r * s.n + c] != activate(requant(acc, mult[c], shift[c]), -128, 127, nullptr)) ok = false;
    }
    for (void* p : {(void*)a4, (void*)a8, (void*)as, (void*)w4, (void*)w8, (void*)ws, (void*)db, (void*)dm, (void*)ds, (void*)out}) CUDA_OK(cudaFree(p));
    return ms;
}

// cuBLASLt int8 x int8 -> int8 (alpha in float, as an int8 inference GEMM with a per-tensor scale), TN:
// D^T [N][M] column-major = W [N][K] x A [M][K]^T, so the row-major output is [M][N] like the FlexiQ kernel's.
// Where the library offers no algorithm for int8 output, int32 output (exact).
static float time_cublaslt(cublasLtHandle_t lt, const Shape& s, cudaStream_t stream, void* workspace, size_t wsBytes, bool& ok, const char*& outType) {
    const int k = (s.k + 31) / 32 * 32;
    int8_t* a = random_bytes((size_t)s.m * k, 7, -128, 127);
    int8_t* w = random_bytes((size_t)s.n * k, 8, -128, 127);
    int* d = nullptr;
    CUDA_OK(cudaMalloc(&d, (size_t)s.m * s.n * sizeof(int)));
    const float alphaF = 1.0f / 4096, betaF = 0;
    const int alphaI = 1, betaI = 0;
    float ms = -1;
    for (int int32Out = 0; int32Out < 2 && ms < 0; int32Out++) {
        cudaDataType_t scaleType = int32Out ? CUDA_R_32I : CUDA_R_32F, outT = int32Out ? CUDA_R_32I : CUDA_R_8I;
        cublasLtMatmulDesc_t op;
        LT_OK(cublasLtMatmulDescCreate(&op, CUBLAS_COMPUTE_32I, scaleType));
        cublasOperation_t ta = CUBLAS_OP_T, tb = CUBLAS_OP_N;
        LT_OK(cublasLtMatmulDescSetAttribute(op, CUBLASLT_MATMUL_DESC_TRANSA, &ta, sizeof(ta)));
        LT_OK(cublasLtMatmulDescSetAttribute(op, CUBLASLT_MATMUL_DESC_TRANSB, &tb, sizeof(tb)));
        cublasLtMatrixLayout_t la, lb, ld;
        LT_OK(cublasLtMatrixLayoutCreate(&la, CUDA_R_8I, k, s.n, k));
        LT_OK(cublasLtMatrixLayoutCreate(&lb, CUDA_R_8I, k, s.m, k));
        LT_OK(cublasLtMatrixLayoutCreate(&ld, outT, s.n, s.m, s.n));
        cublasLtMatmulPreference_t pref;
        LT_OK(cublasLtMatmulPreferenceCreate(&pref));
        LT_OK(cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &wsBytes, sizeof(wsBytes)));
        cublasLtMatmulHeuristicResult_t heur;
        int found = 0;
        cublasStatus_t st = cublasLtMatmulAlgoGetHeuristic(lt, op, la, lb, ld, ld, pref, 1, &heur, &found);
        if (st == CUBLAS_STATUS_SUCCESS && found > 0) {
            const void* alpha = int32Out ? (const void*)&alphaI : (const void*)&alphaF;
            const void* beta = int32Out ? (const void*)&betaI : (const void*)&betaF;
            ms = median_ms([&] {
                LT_OK(cublasLtMatmul(lt, op, alpha, w, la, a, lb, beta, d, ld, d, ld, &heur.algo, workspace, wsBytes, stream));
            }, stream);
            outType = int32Out ? "int32" : "int8";
            std::vector<int8_t> ha = host(a, (size_t)s.m * k), hw = host(w, (size_t)s.n * k);
            std::vector<int8_t> hd = host((int8_t*)d, (size_t)s.m * s.n * (int32Out ? 4 : 1));
            ok = true;
            for (int i = 0; i < SAMPLES; i++) {
                int r = (int)((i * 2654435761u) % (uint32_t)s.m), c = (int)((i * 40503u + 7) % (uint32_t)s.n);
                long long acc = 0;
                for (int q = 0; q < k; q++) acc += ha[(size_t)r * k + q] * hw[(size_t)c * k + q];
                if (int32Out) {
                    int got;
                    memcpy(&got, hd.data() + ((size_t)r * s.n + c) * 4, 4);
                    if (got != acc) ok = false;
                } else {
                    double want = std::min(127.0, std::max(-128.0, std::nearbyint(acc * (double)alphaF)));
                    if (std::fabs(hd[(size_t)r * s.n + c] - want) > 1) ok = false;
                }
            }
        }
        cublasLtMatmulPreferenceDestroy(pref);
        cublasLtMatrixLayoutDestroy(la);
        cublasLtMatrixLayoutDestroy(lb);
        cublasLtMatrixLayoutDestroy(ld);
        cublasLtMatmulDescDestroy(op);
    }
    for (void* p : {(void*)a, (void*)w, (void*)d}) CUDA_OK(cudaFree(p));
    return ms;
}

int main(int argc, char** argv) {
    FILE* in = argc > 1 ? fopen(argv[1], "r") : stdin;
    if (in == nullptr) {
        fprintf(stderr, "gemm_bench: %s: cannot open\n", argv[1]);
        return 2;
    }
    std::vector<Shape> shapes;
    char ratio[64], name[512];
    Shape s;
    int line = 0;
    char buf[1024];
    while (fgets(buf, sizeof buf, in) != nullptr) {
        line++;
        if (buf[0] == '#' || buf[0] == '\n') continue;
        if (sscanf(buf, "%63s %511s %d %d %d %d %d %d", ratio, name, &s.m, &s.n, &s.k, &s.k8, &s.k4, &s.slice) != 8 || s.m < 1 || s.n < 1
            || s.k8 % 32 != 0 || s.slice < 1 || s.slice % 32 != 0 || s.k4 % s.slice != 0) {
            fprintf(stderr, "gemm_bench: %s: line %d: expected 'ratio name M N K k8 k4 slice' (k8 and slice multiples of 32, k4 of slice)\n",
                    argc > 1 ? argv[1] : "stdin", line);
            return 2;
        }
        s.ratio = ratio;
        s.name = name;
        shapes.push_back(s);
    }
    cudaDeviceProp prop;
    CUDA_OK(cudaGetDeviceProperties(&prop, 0));
#if defined(FLEXIQ_WIDEN_INT4)
    const char* mode = "4-bit widened to int8 MMAs";
#elif defined(FLEXIQ_TURING)
    const char* mode = "8 x 8 int4 MMAs (Turing)";
#else
    const char* mode = "int4 MMAs";
#endif
    fprintf(stderr, "gemm_bench: %s (sm_%d%d, %d SMs), FlexiQ kernel with %s; CUDA events, median of %d bursts of %d launches after %d warm-up\n",
            prop.name, prop.major, prop.minor, prop.multiProcessorCount, mode, REPEATS, BURST, WARMUP);
    cudaStream_t stream;
    CUDA_OK(cudaStreamCreate(&stream));
    cublasLtHandle_t lt;
    LT_OK(cublasLtCreate(&lt));
    const size_t wsBytes = 32u << 20;
    void* workspace;
    CUDA_OK(cudaMalloc(&workspace, wsBytes));
    printf("ratio,kernel,M,N,K,k8,k4,slice,flexiq_us,flexiq_check,cublaslt_us,cublaslt_out,cublaslt_check\n");
    std::map<std::string, std::pair<double, double>> total;
    std::vector<std::string> order;
    for (const Shape& x : shapes) {
        bool fok = false, cok = false;
        const char* outType = "none";
        float f = time_flexiq(x, stream, fok);
        float c = time_cublaslt(lt, x, stream, workspace, wsBytes, cok, outType);
        printf("%s,%s,%d,%d,%d,%d,%d,%d,%.2f,%s,%.2f,%s,%s\n", x.ratio.c_str(), x.name.c_str(), x.m, x.n, x.k, x.k8, x.k4, x.slice, 1000 * f,
               fok ? "match" : "DIFFER", c < 0 ? NAN : 1000 * c, outType, c < 0 ? "-" : cok ? "ok" : "WRONG");
        fflush(stdout);
        if (total.find(x.ratio) == total.end()) order.push_back(x.ratio);
        total[x.ratio].first += 1000 * f;
        total[x.ratio].second += c < 0 ? 0 : 1000 * c;
    }
    for (const std::string& r : order) {
        fprintf(stderr, "ratio %s: FlexiQ GEMMs %.1f us, cuBLASLt int8 on the same shapes %.1f us (%.2fx)\n", r.c_str(), total[r].first,
                total[r].second, total[r].second / total[r].first);
    }
    CUDA_OK(cudaFree(workspace));
    cublasLtDestroy(lt);
    return 0;
}

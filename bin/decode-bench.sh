#!/usr/bin/env bash
# The decode measurement of docs/BENCHMARKS.md ("Decode kernels"), as one command: our engine with the decode
# kernels (bf16, fp32, int8), the same engine with them switched off (libtorch alone), llama.cpp (f32, bf16, q8_0)
# and plain PyTorch (bf16, fp32), alternately, ROUNDS times, with the launcher's process settings
# (OMP_WAIT_POLICY, GLIBC_TUNABLES, OPENBLAS_THREAD_TIMEOUT) exported to every process and the load average
# printed beside each run.
#   bin/decode-bench.sh            env: ROUNDS=2 THREADS=2 WORK=/tmp/whetstone-decode-bench SHARED=<checkout>/../shared
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${ROUNDS:-2} THREADS=${THREADS:-2}
WORK=${WORK:-/tmp/whetstone-decode-bench}
SHARED=${SHARED:-$root/../shared}
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
export GLIBC_TUNABLES="${GLIBC_TUNABLES:-glibc.malloc.mmap_threshold=4294967296:glibc.malloc.trim_threshold=17179869184}"
export OPENBLAS_THREAD_TIMEOUT="${OPENBLAS_THREAD_TIMEOUT:-4}"
mkdir -p "$WORK"
la() { cut -d' ' -f1-3 /proc/loadavg; }
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs; flags: $(grep -o -w -E 'avx2|avx512f|avx512_bf16|avx512_fp16|amx_bf16|amx_int8' /proc/cpuinfo | sort -u | tr '\n' ' ')"
for round in $(seq "$ROUNDS"); do
  echo "== round $round: ours, decode kernels (load $(la), $(date -u +%H:%M:%S))"
  "$root/whetstone" bench infer --json --threads "$THREADS" --work-dir "$WORK/ours" --precision bf16,fp32,int8
  echo "== round $round: ours, libtorch alone (load $(la), $(date -u +%H:%M:%S))"
  WHETSTONE_JAVA_OPTS="-Dwhetstone.decodeKernels=off ${WHETSTONE_JAVA_OPTS:-}" \
    "$root/whetstone" bench infer --json --threads "$THREADS" --work-dir "$WORK/ours" --precision bf16,fp32
  echo "== round $round: llama.cpp (load $(la), $(date -u +%H:%M:%S))"
  THREADS=$THREADS WORK="$WORK/llamacpp" bash "$SHARED/bench/llamacpp_anchor.sh" f32 bf16 q8_0 | grep '^RESULT' || true
  echo "== round $round: PyTorch (load $(la), $(date -u +%H:%M:%S))"
  for dt in bf16 float32; do
    OMP_NUM_THREADS=$THREADS /usr/bin/python3 "$SHARED/bench/torch_anchor.py" decode 1 "$dt" 3 | tail -2
  done
  echo "   (load $(la), $(date -u +%H:%M:%S))"
done

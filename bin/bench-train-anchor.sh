#!/usr/bin/env bash
# Training throughput against the plain-PyTorch anchor, under identical process settings, back to back.
#   bin/bench-train-anchor.sh [rounds]        (default 2; run from the checkout, ../shared/bench next to it)
# Each round runs, alternately: the anchor's LoRA (ANCHOR_LORA, default a bf16 base), ours, the anchor's full
# fine-tuning, ours; every process gets the launcher's GLIBC_TUNABLES and OMP_WAIT_POLICY and 2 threads. Prints one line per measurement
# with the load average beside it, then the ratios of each round (ours / anchor, tokens per second).
# WHETSTONE overrides the engine command (default: ./whetstone); ANCHOR the anchor script; ANCHOR_LORA the anchor's
# LoRA mode (default lorabf16; "lora" trains over an fp32 base, which is what the engine picks on CPUs without bf16
# arithmetic, where PyTorch emulates bf16).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
rounds=${1:-2}
steps=${STEPS:-6}
whetstone=${WHETSTONE:-./whetstone}
anchor=${ANCHOR:-../shared/bench/torch_anchor.py}
python=${PYTHON:-/usr/bin/python3}
anchor_lora=${ANCHOR_LORA:-lorabf16}
# the launcher's own settings, read from it so the two stay the same
eval "$(sed -n 's/^export \(OMP_WAIT_POLICY\|GLIBC_TUNABLES\|OPENBLAS_THREAD_TIMEOUT\)=.*/&/p' whetstone)"
export OMP_WAIT_POLICY GLIBC_TUNABLES OPENBLAS_THREAD_TIMEOUT OMP_NUM_THREADS=2
echo "GLIBC_TUNABLES=$GLIBC_TUNABLES OMP_WAIT_POLICY=$OMP_WAIT_POLICY OPENBLAS_THREAD_TIMEOUT=$OPENBLAS_THREAD_TIMEOUT OMP_NUM_THREADS=$OMP_NUM_THREADS"
lscpu | sed -n 's/^Model name: *//p'
load() { cut -d' ' -f1-3 /proc/loadavg; }
ours() {   # method → tokens/s; prints the JSON lines
  local out
  out=$($whetstone bench train --json --model smollm2-135m-shape --method "$1" --steps "$steps" --threads 2)
  echo "$out" >&2
  echo "$out" | sed -n 's/.*"tokens_per_s":\([0-9.]*\).*/\1/p' | tail -1
}
theirs() { # mode → tokens/s
  local out
  out=$("$python" "$anchor" train "$1" "$steps")
  echo "$out" | grep '^RESULT train' >&2
  echo "$out" | sed -n 's/^RESULT train.* tok\/s=\([0-9.]*\).*/\1/p'
}
for r in $(seq 1 "$rounds"); do
  l0=$(load); a=$(theirs "$anchor_lora"); l1=$(load); o=$(ours lora); l2=$(load)
  b=$(theirs full); l3=$(load); f=$(ours full); l4=$(load)
  echo "round $r: LoRA anchor ($anchor_lora) $a tok/s (load $l0) whetstone $o tok/s (load $l1) ratio $(echo "scale=2; $o / $a" | bc)"
  echo "round $r: full anchor $b tok/s (load $l2) whetstone $f tok/s (load $l3) ratio $(echo "scale=2; $f / $b" | bc); load after $l4"
done

#!/usr/bin/env bash
# Trains the same network on the same data with spacefold and with scikit-learn's
# MLPClassifier (same architecture, activation, Adam, learning rate, full batch, fixed
# epochs, no L2, one BLAS thread) and prints both wall times, both accuracies and the ratio.
#
#   bench/train_vs_sklearn.sh [DATA] [HIDDEN] [EPOCHS]
#   default: spiral:arms=5,n=2500  100  1000   (a 2-100-5 relu network)
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-spiral:arms=5,n=2500}
hidden=${2:-100}
epochs=${3:-1000}
activation=relu
lr=0.01

python3 -c "import sklearn" 2>/dev/null || pip install -q scikit-learn
cargo build --release --no-default-features --quiet
bin=target/release/spacefold

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$bin" data "$data" --csv "$dir/data.csv" 2>/dev/null
classes=$(tail -n +2 "$dir/data.csv" | awk -F, '{print $NF}' | sort -u | wc -l)
features=$(head -1 "$dir/data.csv" | awk -F, '{print NF-1}')
outputs=$([ "$classes" -eq 2 ] && echo 1 || echo "$classes")
arch="$features-$hidden-$outputs"

# All points train (no test split), as scikit-learn's fit does here. Each side runs five
# times, with seeds 0 to 4 (initial weights): the median time and the mean accuracy and
# loss are reported.
runs=5
: > "$dir/sf.jsonl"
: > "$dir/sk.jsonl"
for seed in $(seq 0 $((runs - 1))); do
  "$bin" train --seed "$seed" --data "$dir/data.csv" --arch "$arch" --activation $activation --optimizer adam \
    --lr $lr --batch 0 --epochs "$epochs" --test 0 --json 2>/dev/null | tail -1 >> "$dir/sf.jsonl"
  # One BLAS thread; OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE (set on some machines to work
  # around old OpenBLAS bugs) would slow current numpy, so they are dropped for this run.
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \
    python3 bench/sklearn_mlp.py "$dir/data.csv" "$hidden" $activation $lr "$epochs" "$seed" >> "$dir/sk.jsonl"
done
summary() {
  python3 -c "
import json, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
times = sorted(r['seconds'] for r in runs)
print(json.dumps({'seconds': times[len(times) // 2],
                  'train_accuracy': sum(r['train_accuracy'] for r in runs) / len(runs),
                  'loss': sum(r['loss'] for r in runs) / len(runs)}))" "$1"
}
sf=$(summary "$dir/sf.jsonl")
sk=$(summary "$dir/sk.jsonl")

python3 - "$sf" "$sk" "$data" "$arch" "$epochs" <<'PY'
import json, sys
sf, sk = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"{sys.argv[3]}, {sys.argv[4]} relu, Adam lr 0.01, full batch, {sys.argv[5]} epochs, seeds 0-4")
print(f"{'':14}{'seconds':>10}{'train acc':>12}{'final loss':>12}   (median time, mean accuracy and loss)")
print(f"{'spacefold':14}{sf['seconds']:>10.3f}{sf['train_accuracy']:>12.4f}{sf['loss']:>12.4f}")
print(f"{'scikit-learn':14}{sk['seconds']:>10.3f}{sk['train_accuracy']:>12.4f}{sk['loss']:>12.4f}")
print(f"spacefold is {sk['seconds'] / sf['seconds']:.1f}x faster")
PY

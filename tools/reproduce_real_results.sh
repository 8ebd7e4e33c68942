#!/usr/bin/env bash
# Reproduce docs/results.md: train SegFANet-S and its two ablations on the
# real pairs in ../shared/data
# (configs/segfanet/segfanet-s*_1xb8-1000i_roadscene-msrsmini-192x192.py),
# fuse the held-out VIFB pairs with them and with the classical mean/max
# rules, score every method with the same CLI (eval_fusion.py), print the
# table and draw the comparison picture. Trainings already finished
# (iter_1000.pth in their work_dir) are not repeated.
#   bash tools/reproduce_real_results.sh          (or: make results)
set -euo pipefail
SHARED=${SHARED:-../shared/data}
OUT=${OUT:-work_dirs/real_results}
VIFB=$SHARED/vifb21
RECIPE=1xb8-1000i_roadscene-msrsmini-192x192
S=segfanet-s_$RECIPE
CONFIGS="$S segfanet-s-noalign_$RECIPE segfanet-s-fusiononly_$RECIPE"
declare -A LABEL=([mean]=mean [max]=max [$S]=SegFANet-S
                  [segfanet-s-noalign_$RECIPE]="SegFANet-S w/o alignment"
                  [segfanet-s-fusiononly_$RECIPE]="fusion only")
[ -d "$VIFB" ] || { echo "error: $VIFB not found (set SHARED)" >&2; exit 1; }

for cfg in $CONFIGS; do
    ckpt=work_dirs/$cfg/iter_1000.pth
    [ -f "$ckpt" ] || python tools/train.py configs/segfanet/$cfg.py
    python tools/fuse.py configs/segfanet/$cfg.py "$ckpt" --ir "$VIFB/ir" \
        --vis "$VIFB/vis" --out "$OUT/$cfg"
done
for rule in mean max; do
    python tools/fuse.py --rule $rule --ir "$VIFB/ir" --vis "$VIFB/vis" \
        --out "$OUT/$rule"
done
methods=()
for m in mean max $CONFIGS; do
    python tools/analysis_tools/eval_fusion.py --fused "$OUT/$m/fused_rgb" \
        --ir "$VIFB/ir" --vis "$VIFB/vis" --csv "$OUT/$m.csv" --no-progress
    methods+=(--method "${LABEL[$m]}=$OUT/$m.csv")
done
python tools/analysis_tools/results_table.py "${methods[@]}" \
    --baselines mean max | tee "$OUT/table.md"
python tools/analysis_tools/compare_fusion.py --ir "$VIFB/ir" \
    --vis "$VIFB/vis" --method "max=$OUT/max/fused_rgb" \
    --method "SegFANet-S=$OUT/$S/fused_rgb" \
    --stems manCall nightCar walking --height 200 \
    --out "$OUT/compare_vifb.jpg"

#!/usr/bin/env bash
# Reproduce the MSRS section of docs/results.md: train SegFANet-S (three
# seeds), its two ablations and four segmentation baselines (the early-fusion
# one with three seeds) on msrs_seg's
# 125 training pairs, test every model on its 31 validation pairs, score
# segmentation (overall, day, night) and fusion (against the mean and max
# rules), score the released weights on VIFB, and draw the picture.
# Trainings already finished (iter_800.pth in their work_dir) are skipped;
# JOBS trainings run side by side, one thread each.
#   bash tools/reproduce_msrs_results.sh      (or: make results-msrs)
set -euo pipefail
SHARED=${SHARED:-../shared/data}
WORK=${WORK:-work_dirs/msrs}
OUT=${OUT:-work_dirs/msrs_results}
JOBS=${JOBS:-2}
RELEASED=${RELEASED:-checkpoints/segfanet-s_msrs.pth}
[ -d "$SHARED/msrs_seg" ] || { echo "error: $SHARED/msrs_seg not found (set SHARED)" >&2; exit 1; }
# The configs read data/msrs_seg, as mmseg configs read data/...: link the
# shared copy there (never copied).
mkdir -p data
[ -e data/msrs_seg ] || ln -s "$(realpath "$SHARED/msrs_seg")" data/msrs_seg
VAL=data/msrs_seg/val
S=segfanet-s_1xb8-800i_msrs-192x192
F=fcn_r18-4ch_1xb8-800i_msrs-192x192

# name  config  seed
RUNS="$S configs/segfanet/$S.py 0
$S-seed1 configs/segfanet/$S.py 1
$S-seed2 configs/segfanet/$S.py 2
segfanet-s-noalign_1xb8-800i_msrs-192x192 configs/segfanet/segfanet-s-noalign_1xb8-800i_msrs-192x192.py 0
segfanet-s-fusiononly_1xb8-800i_msrs-192x192 configs/segfanet/segfanet-s-fusiononly_1xb8-800i_msrs-192x192.py 0
segfanet-s-segbranch_1xb8-800i_msrs-192x192 configs/segfanet/segfanet-s-segbranch_1xb8-800i_msrs-192x192.py 0
segfanet-s-segbranch-vis_1xb8-800i_msrs-192x192 configs/segfanet/segfanet-s-segbranch-vis_1xb8-800i_msrs-192x192.py 0
segfanet-s-segbranch-ir_1xb8-800i_msrs-192x192 configs/segfanet/segfanet-s-segbranch-ir_1xb8-800i_msrs-192x192.py 0
$F configs/baselines/$F.py 0
$F-seed1 configs/baselines/$F.py 1
$F-seed2 configs/baselines/$F.py 2"

train() {  # name config seed
    [ -f "$WORK/$1/iter_800.pth" ] && return 0
    OMP_NUM_THREADS=1 python tools/train.py "$2" --work-dir "$WORK/$1" \
        --cfg-options randomness.seed="$3" > "$WORK/$1.out" 2>&1 \
        || { echo "error: training $1 failed, see $WORK/$1.out" >&2; return 1; }
}
export -f train
export WORK
mkdir -p "$WORK" "$OUT"
echo "$RUNS" | xargs -P "$JOBS" -L 1 bash -c 'train "$@"' _

# Test every model on val/: seg/ (class maps) and, for SegFANet, fused_rgb/.
echo "$RUNS" | while read -r name config seed; do
    [ -d "$OUT/$name/seg" ] || python tools/test.py "$config" \
        "$WORK/$name/iter_800.pth" --out "$OUT/$name" \
        --work-dir "$OUT/$name/test" > "$OUT/$name.test.log" 2>&1
done
python tools/analysis_tools/eval_segmentation.py --label "$VAL/label" \
    --dataset MSRSDataset --group day='D$' --group night='N$' \
    --method "SegFANet-S=$OUT/$S/seg,$OUT/$S-seed1/seg,$OUT/$S-seed2/seg" \
    --method "SegFANet-S w/o alignment=$OUT/segfanet-s-noalign_1xb8-800i_msrs-192x192/seg" \
    --method "seg branch only (IR + visible)=$OUT/segfanet-s-segbranch_1xb8-800i_msrs-192x192/seg" \
    --method "seg branch, visible only=$OUT/segfanet-s-segbranch-vis_1xb8-800i_msrs-192x192/seg" \
    --method "seg branch, infrared only=$OUT/segfanet-s-segbranch-ir_1xb8-800i_msrs-192x192/seg" \
    --method "early fusion (FCN-R18, 4 ch)=$OUT/$F/seg,$OUT/$F-seed1/seg,$OUT/$F-seed2/seg" \
    --csv "$OUT/segmentation.csv" --md "$OUT/segmentation.md"

# Fusion on val/ against the mean and max rules, one CLI for every method.
score() {  # name fused_dir ir vis csv
    python tools/analysis_tools/eval_fusion.py --fused "$2" --ir "$3" \
        --vis "$4" --csv "$5" --no-progress > /dev/null
}
for rule in mean max; do
    [ -d "$OUT/$rule" ] || python tools/fuse.py --rule $rule \
        --ir "$VAL/ir" --vis "$VAL/vis" --out "$OUT/$rule"
    score $rule "$OUT/$rule/fused_rgb" "$VAL/ir" "$VAL/vis" "$OUT/$rule.csv"
done
for name in $S $S-seed1 $S-seed2 segfanet-s-noalign_1xb8-800i_msrs-192x192 \
        segfanet-s-fusiononly_1xb8-800i_msrs-192x192; do
    score "$name" "$OUT/$name/fused_rgb" "$VAL/ir" "$VAL/vis" "$OUT/$name.csv"
done
python tools/analysis_tools/results_table.py --baselines mean max \
    --method "mean=$OUT/mean.csv" --method "max=$OUT/max.csv" \
    --method "SegFANet-S (seed 0, released)=$OUT/$S.csv" \
    --method "SegFANet-S (3 seeds)=$OUT/$S.csv,$OUT/$S-seed1.csv,$OUT/$S-seed2.csv" \
    --method "SegFANet-S w/o alignment=$OUT/segfanet-s-noalign_1xb8-800i_msrs-192x192.csv" \
    --method "fusion only=$OUT/segfanet-s-fusiononly_1xb8-800i_msrs-192x192.csv" \
    | tee "$OUT/fusion.md"

# The released weights (seed 0) on VIFB's 21 pairs, which they never saw.
VIFB=$SHARED/vifb21
if [ -d "$VIFB" ]; then
    for rule in mean max; do
        [ -d "$OUT/vifb/$rule" ] || python tools/fuse.py --rule $rule \
            --ir "$VIFB/ir" --vis "$VIFB/vis" --out "$OUT/vifb/$rule"
    done
    [ -d "$OUT/vifb/segfanet" ] || python tools/fuse.py \
        configs/segfanet/$S.py "$RELEASED" --ir "$VIFB/ir" --vis "$VIFB/vis" \
        --out "$OUT/vifb/segfanet"
    for m in mean max segfanet; do
        score $m "$OUT/vifb/$m/fused_rgb" "$VIFB/ir" "$VIFB/vis" \
            "$OUT/vifb/$m.csv"
    done
    python tools/analysis_tools/results_table.py --baselines mean max \
        --method "mean=$OUT/vifb/mean.csv" --method "max=$OUT/vifb/max.csv" \
        --method "SegFANet-S (MSRS)=$OUT/vifb/segfanet.csv" \
        | tee "$OUT/vifb.md"
fi

# Two day and two night validation pairs.
python tools/analysis_tools/compare_fusion.py --ir "$VAL/ir" --vis "$VAL/vis" \
    --method "max=$OUT/max/fused_rgb" --method "SegFANet-S=$OUT/$S/fused_rgb" \
    --seg "segmentation=$OUT/$S/seg" --gt "$VAL/label" \
    --stems 00120D 01508D 00717N 01128N --height 180 \
    --out "$OUT/compare_msrs.jpg"

#!/usr/bin/env bash
# Reproduce an MSRS section of docs/results.md: train SegFANet-S (three
# seeds), its two ablations, its segmentation branch fed by both modalities,
# visible only and infrared only, and the early-fusion FCN-R18 (three seeds)
# on msrs_seg's 125 training pairs, test every model on its 31 validation
# pairs, score segmentation (overall, day, night) and fusion (against the
# mean and max rules), score the released weights on VIFB, and draw the
# picture. RECIPE selects the section:
#   luminance  "MSRS" (SegFANet-S, checkpoints/segfanet-s_msrs.pth)
#   rgb        "SegFANet-S-RGB" (the -rgb configs, class-weighted, the
#              ablations with three seeds, the segmentation branches
#              with two each, and two early-fusion baselines of its size
#              with three each; checkpoints/segfanet-s-rgb_msrs.pth)
#   mb         "SegFANet-S-MB" (the -mb configs: the rgb recipe with
#              MobileNetV2 blocks in the streams; same seeds and baselines;
#              checkpoints/segfanet-s-mb_msrs.pth)
# Trainings already finished (iter_800.pth in their work_dir) are skipped;
# JOBS trainings run side by side, one thread each.
#   bash tools/reproduce_msrs_results.sh     (or: make results-msrs)
#   RECIPE=rgb bash tools/reproduce_msrs_results.sh  (make results-msrs-rgb)
#   RECIPE=mb bash tools/reproduce_msrs_results.sh   (make results-msrs-mb)
set -euo pipefail
SHARED=${SHARED:-../shared/data}
WORK=${WORK:-work_dirs/msrs}
JOBS=${JOBS:-2}
RECIPE=${RECIPE:-luminance}
case $RECIPE in
    luminance) V=; FV=; BRANCH_SEEDS="0"; ABLATION_SEEDS="0"; LABEL=SegFANet-S
        SMALL_EF=
        OUT=${OUT:-work_dirs/msrs_results}
        RELEASED=${RELEASED:-checkpoints/segfanet-s_msrs.pth} ;;
    rgb|mb) V=-$RECIPE; FV=-cw; BRANCH_SEEDS="0 1"; ABLATION_SEEDS="0 1 2"
        LABEL=SegFANet-S-${RECIPE^^}
        # early fusion at SegFANet-S-RGB's size: name|row label
        SMALL_EF="bisenetv2-slim-4ch-cw|early fusion, same size (BiSeNetV2-slim)
segfanet-seghead_r18-w16-4ch-cw|early fusion, same size (ResNet-18, width 16)"
        OUT=${OUT:-work_dirs/msrs_${RECIPE}_results}
        RELEASED=${RELEASED:-checkpoints/segfanet-s-${RECIPE}_msrs.pth} ;;
    *) echo "error: RECIPE must be luminance, rgb or mb, got '$RECIPE'" >&2
        exit 1 ;;
esac
[ -d "$SHARED/msrs_seg" ] || { echo "error: $SHARED/msrs_seg not found (set SHARED)" >&2; exit 1; }
# The configs read data/msrs_seg, as mmseg configs read data/...: link the
# shared copy there (never copied).
mkdir -p data
[ -e data/msrs_seg ] || ln -s "$(realpath "$SHARED/msrs_seg")" data/msrs_seg
VAL=data/msrs_seg/val
SUFFIX=_1xb8-800i_msrs-192x192
S=segfanet-s$V$SUFFIX
NOALIGN=segfanet-s$V-noalign$SUFFIX
FUSION_ONLY=segfanet-s$V-fusiononly$SUFFIX
BRANCH=segfanet-s$V-segbranch
F=fcn_r18-4ch$FV$SUFFIX
SEEDS="0 1 2"  # of SegFANet-S and the FCN-R18

run_name() {  # name seed: seed 0 keeps the name, seed N adds -seedN
    if [ "$2" = 0 ]; then echo "$1"; else echo "$1-seed$2"; fi
}
joined() {  # pattern name seeds...: the pattern (%s: the run's name) for
    # each seed's run, comma-joined
    local pattern=$1 name=$2 paths=() seed
    shift 2
    for seed in "$@"; do
        # shellcheck disable=SC2059  # the pattern is ours
        paths+=("$(printf "$pattern" "$(run_name "$name" "$seed")")")
    done
    (IFS=,; echo "${paths[*]}")
}
seg_dirs() {  # name seeds...: the seeds' seg/ folders, comma-joined
    joined "$OUT/%s/seg" "$@"
}
# name  config  seed
RUNS=$(
    for seed in $SEEDS; do echo "$(run_name $S $seed) configs/segfanet/$S.py $seed"; done
    for name in $NOALIGN $FUSION_ONLY; do
        for seed in $ABLATION_SEEDS; do
            echo "$(run_name $name "$seed") configs/segfanet/$name.py $seed"
        done
    done
    for branch in "" -vis -ir; do
        for seed in $BRANCH_SEEDS; do
            echo "$(run_name $BRANCH$branch$SUFFIX "$seed") configs/segfanet/$BRANCH$branch$SUFFIX.py $seed"
        done
    done
    for seed in $SEEDS; do echo "$(run_name $F $seed) configs/baselines/$F.py $seed"; done
    echo "$SMALL_EF" | while IFS='|' read -r base _; do
        [ -n "$base" ] || continue
        for seed in $SEEDS; do
            echo "$(run_name "$base$SUFFIX" "$seed") configs/baselines/$base$SUFFIX.py $seed"
        done
    done
)
SMALL_EF_METHODS=()
while IFS='|' read -r base label; do
    [ -n "$base" ] || continue
    SMALL_EF_METHODS+=(--method "$label=$(seg_dirs "$base$SUFFIX" $SEEDS)")
done <<< "$SMALL_EF"

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
    --method "$LABEL=$(seg_dirs $S $SEEDS)" \
    --method "$LABEL w/o alignment=$(seg_dirs $NOALIGN $ABLATION_SEEDS)" \
    --method "seg branch only (IR + visible)=$(seg_dirs $BRANCH$SUFFIX $BRANCH_SEEDS)" \
    --method "seg branch, visible only=$(seg_dirs $BRANCH-vis$SUFFIX $BRANCH_SEEDS)" \
    --method "seg branch, infrared only=$(seg_dirs $BRANCH-ir$SUFFIX $BRANCH_SEEDS)" \
    --method "early fusion (FCN-R18, 4 ch)=$(seg_dirs $F $SEEDS)" \
    ${SMALL_EF_METHODS[@]+"${SMALL_EF_METHODS[@]}"} \
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
for name in $(joined %s $S $SEEDS | tr , ' ') \
    $(joined %s $NOALIGN $ABLATION_SEEDS | tr , ' ') \
    $(joined %s $FUSION_ONLY $ABLATION_SEEDS | tr , ' '); do
    score "$name" "$OUT/$name/fused_rgb" "$VAL/ir" "$VAL/vis" "$OUT/$name.csv"
done
python tools/analysis_tools/results_table.py --baselines mean max \
    --method "mean=$OUT/mean.csv" --method "max=$OUT/max.csv" \
    --method "$LABEL (seed 0, released)=$OUT/$S.csv" \
    --method "$LABEL (3 seeds)=$(joined "$OUT/%s.csv" $S $SEEDS)" \
    --method "$LABEL w/o alignment=$(joined "$OUT/%s.csv" $NOALIGN $ABLATION_SEEDS)" \
    --method "fusion only=$(joined "$OUT/%s.csv" $FUSION_ONLY $ABLATION_SEEDS)" \
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
        --method "$LABEL (MSRS)=$OUT/vifb/segfanet.csv" \
        | tee "$OUT/vifb.md"
fi

# Two day and two night validation pairs.
python tools/analysis_tools/compare_fusion.py --ir "$VAL/ir" --vis "$VAL/vis" \
    --method "max=$OUT/max/fused_rgb" --method "$LABEL=$OUT/$S/fused_rgb" \
    --seg "segmentation=$OUT/$S/seg" --gt "$VAL/label" \
    --stems 00120D 01508D 00717N 01128N --height 180 \
    --out "$OUT/compare_msrs.jpg"

#!/usr/bin/env bash
# Reproduce docs/results.md's "Downstream segmentation" section: train the
# fixed downstream segmenter (BiSeNetV2, configs/segmenters/) on the images of
# six fusion methods (two seeds each) on msrs_seg/train, score it on
# msrs_seg/val (overall, day, night), and draw its predictions on the two
# night pairs of the MSRS picture (00717N, 01128N: chosen for the MSRS
# picture before any segmenter ran).
# Finished runs are skipped (segment_fused.py's done.json); JOBS trainings run
# side by side, one thread each. About 2.5 h on 2 CPU cores.
#   bash tools/reproduce_downstream_results.sh   (or: make results-downstream)
set -euo pipefail
SHARED=${SHARED:-../shared/data}
WORK=${WORK:-work_dirs/segment_fused_msrs}
JOBS=${JOBS:-2}
SEEDS=${SEEDS:-0 1}
RELEASED=${RELEASED:-checkpoints/segfanet-s_msrs.pth}
# the fusion-only ablation of the MSRS recipe (make results-msrs trains it)
FUSION_ONLY=${FUSION_ONLY:-work_dirs/msrs/segfanet-s-fusiononly_1xb8-800i_msrs-192x192/iter_800.pth}
D=$SHARED/msrs_seg
[ -d "$D" ] || { echo "error: $D not found (set SHARED)" >&2; exit 1; }
[ -f "$FUSION_ONLY" ] || { echo "error: $FUSION_ONLY not found: run make results-msrs first (or set FUSION_ONLY)" >&2; exit 1; }
# shellcheck disable=SC2086
python tools/analysis_tools/segment_fused.py \
    --train-ir "$D/train/ir" --train-vis "$D/train/vis" \
    --train-label "$D/train/label" --val-ir "$D/val/ir" \
    --val-vis "$D/val/vis" --val-label "$D/val/label" \
    --method visible=source:vis --method max=rule:max \
    --method "SegFANet-S=model:configs/segfanet/segfanet-s_1xb8-800i_msrs-192x192.py:$RELEASED" \
    --method mean=rule:mean \
    --method "fusion-only=model:configs/segfanet/segfanet-s-fusiononly_1xb8-800i_msrs-192x192.py:$FUSION_ONLY" \
    --method infrared=source:ir \
    --seeds $SEEDS --jobs "$JOBS" --work-dir "$WORK"

# Row per night pair: IR | visible | the four fused images the segmenter saw
# | its predictions (seed 0) for the six methods | ground truth.
P=$WORK/%s/0/pred/seg
F=$WORK/%s/fused/val/fused_rgb
args=()
for m in mean max SegFANet-S fusion-only; do
    args+=(--method "$m=$(printf "$F" "$m")")
done
for m in visible infrared mean max SegFANet-S fusion-only; do
    args+=(--seg "seg on $m=$(printf "$P" "$m")")
done
python tools/analysis_tools/compare_fusion.py --ir "$D/val/ir" \
    --vis "$D/val/vis" "${args[@]}" --gt "$D/val/label" \
    --stems 00717N 01128N --height 150 --out "$WORK/segment_fused_night.jpg"

r"""The arithmetic of one MEF-SSIM scale
(:func:`.multiscale_ssim._mef_ssim_scale`) compiled with Numba, for float64
window statistics in CPU memory: two passes, before and after the tangent
and the powers (which stay with PyTorch's vectorised functions: Numba's
scalar ones are 3-10x slower here), instead of ~40 whole-image PyTorch
operations. Same operations in the same order, no fused multiply-adds: the
same rounding as the PyTorch version.
"""
import math

from numba import njit


@njit(cache=True, error_model='numpy')
def structure_terms(box, window, eps, centred, angle, strength):
    """From box (5, ...) = the window sums S_1, S_2, S_11, S_22, S_12:
    centred (3, ...) = B_11, B_22, B_12 (B_kl = S_kl − S_k S_l / n, the
    squares clamped at 0); angle = π/2 · R, the structure consistency
    R = (‖Σ_k (x_k − μ_k)‖ + ε)/(Σ_k ‖x_k − μ_k‖ + ε), 1 − ε where above 1;
    strength (2, ...) = (‖x_k − μ_k‖ + 0.001) / window."""
    n = window * window
    s1, s2 = box[0].ravel(), box[1].ravel()
    s11, s22, s12 = box[2].ravel(), box[3].ravel(), box[4].ravel()
    b11, b22, b12 = (centred[0].ravel(), centred[1].ravel(),
                     centred[2].ravel())
    angle, st1, st2 = angle.ravel(), strength[0].ravel(), strength[1].ravel()
    for i in range(s1.size):
        v11 = max(s11[i] - s1[i] * s1[i] / n, 0.0)
        v22 = max(s22[i] - s2[i] * s2[i] / n, 0.0)
        v12 = s12[i] - s1[i] * s2[i] / n
        b11[i], b22[i], b12[i] = v11, v22, v12
        root1, root2 = math.sqrt(v11), math.sqrt(v22)
        st1[i] = (root1 + 0.001) / window
        st2[i] = (root2 + 0.001) / window
        num = math.sqrt(max(v11 + v22 + 2 * v12, 0.0))
        r = (num + eps) / (root1 + root2 + eps)
        angle[i] = math.pi / 2 * (1 - eps if r > 1 else r)


@njit(cache=True, error_model='numpy')
def quality(centred, w1, w2, moments, c, out):
    """out = q = (2σ_rF + C)/(σ_r² + σ_F² + C) per pixel, with the desired
    structure r = β_1 (x_1 − μ_1) + β_2 (x_2 − μ_2): β_k = w_k/(w_1 + w_2)
    /e_k rescaled to length max_k e_k (e_k = √B_kk + 0.001), from centred
    (3, ...) (:func:`structure_terms`), the weights w_1, w_2 and moments
    (9, ...): the Gaussian-window means of x_1, x_2, F, x_1², x_2², x_1x_2,
    F², x_1F, x_2F."""
    b11, b22, b12 = (centred[0].ravel(), centred[1].ravel(),
                     centred[2].ravel())
    w1, w2, q = w1.ravel(), w2.ravel(), out.ravel()
    m1, m2, mf = moments[0].ravel(), moments[1].ravel(), moments[2].ravel()
    q11, q22, q12 = (moments[3].ravel(), moments[4].ravel(),
                     moments[5].ravel())
    qff, q1f, q2f = (moments[6].ravel(), moments[7].ravel(),
                     moments[8].ravel())
    for i in range(q.size):
        ed1 = math.sqrt(b11[i]) + 0.001
        ed2 = math.sqrt(b22[i]) + 0.001
        beta1 = w1[i] / (w1[i] + w2[i]) / ed1
        beta2 = w2[i] / (w1[i] + w2[i]) / ed2
        norm2 = beta1 * beta1 * b11[i] + beta2 * beta2 * b22[i] + \
            2 * beta1 * beta2 * b12[i]
        scale = max(ed1, ed2) / math.sqrt(max(norm2, 1e-300)) \
            if norm2 > 0 else 1.0
        beta1, beta2 = beta1 * scale, beta2 * scale
        v11, v22 = q11[i] - m1[i] * m1[i], q22[i] - m2[i] * m2[i]
        v12, vff = q12[i] - m1[i] * m2[i], qff[i] - mf[i] * mf[i]
        v1f, v2f = q1f[i] - m1[i] * mf[i], q2f[i] - m2[i] * mf[i]
        var_r = beta1 * beta1 * v11 + beta2 * beta2 * v22 + \
            2 * beta1 * beta2 * v12
        cov_rf = beta1 * v1f + beta2 * v2f
        q[i] = (2 * cov_rf + c) / (var_r + vff + c)

r"""Fast-FMI's window scores compiled with Numba, for maps in CPU memory.

The same score as :func:`.feature_mi._pair_fmi` (see its equations), one
window at a time in float64 (as Haghighat's ``fmi.m``), in three compiled
passes per block of rows with NumPy's vectorised ``log2`` between them,
taken in float32 (a compiled scalar ``log2`` costs ~4 ns, NumPy's ~1 ns in
float64 and ~0.25 ns in float32; the score moves by < 1e-7):

1. every 3x3 window of F, A and B stretched to [0, 1] and divided by its
   sum (column-major bins), and which windows are flat or equal to F's;
2. per source window, the Fréchet bound's cells: the CDFs of F and of the
   source (reversed for a negative correlation) merged into at most 18
   segments, each a cell (i, j) with mass ΔΔC = the segment's length, so
   that :math:`\sum_{ij} C(Q_i, P_j) = \sum_{seg} (9-i)(9-j)\,|seg|`;
   then κ, the closed-form entropy of the independent part and the cells'
   joint values :math:`\pi_{ij} = (1-\kappa) q_i p_j + \kappa |seg|`;
3. the MI from the cells' :math:`-\pi \log_2|\pi|` and the score per window.

Measured on a 640x480 triple, one thread: ~3x faster than the vectorised
PyTorch blocks (docs/benchmarks.md).
"""
import math

import numpy as np
from numba import njit

# LLVM may reassociate and fuse multiply-adds, but NaN and inf stay
# well-defined (no 'nnan'/'ninf'), so flat-window tests keep their meaning.
_FASTMATH = {'nsz', 'arcp', 'contract', 'reassoc'}
# log2 of 0 becomes a finite -126: every such term is 0·x
_TINY = np.float32(np.finfo(np.float32).tiny)
_ROWS = 4  # window rows per block: the (3, L, 9) pdfs stay in L2 cache
# bits of a window's flags
_FLAT = (1, 2, 4)  # F, A, B flat
_SAME = (8, 16)  # A's, B's window equals F's


@njit(cache=True, fastmath=_FASTMATH, error_model='numpy')
def _window_pdfs(f, a, b, y0, y1, pdf, log_pdf, flags):
    """Windows with top rows y0..y1-1 of (H, W) maps f, a, b: pdf (3, L, 9),
    the window stretched to [0, 1] (a flat one: all ones) over its sum;
    log_pdf (float32), the pdf clamped to the smallest normal float32 (its
    log2 is taken next); flags (L,) as _FLAT | _SAME bits. Returns the
    number of windows."""
    n = 0
    for y in range(y0, y1):
        for x in range(f.shape[1] - 2):
            flag = 0
            for s in range(3):
                img = f if s == 0 else (a if s == 1 else b)
                lo = np.inf
                hi = -np.inf
                for c in range(3):
                    for r in range(3):
                        v = img[y + r, x + c]
                        pdf[s, n, 3 * c + r] = v
                        lo = min(lo, v)
                        hi = max(hi, v)
                if hi == lo:
                    flag |= _FLAT[s]
                    pdf[s, n, :] = 1.0 / 9.0
                    log_pdf[s, n, :] = 1.0 / 9.0
                    continue
                total = 0.0
                for k in range(9):
                    v = (pdf[s, n, k] - lo) / (hi - lo)
                    pdf[s, n, k] = v
                    total += v
                for k in range(9):
                    p = pdf[s, n, k] / total
                    pdf[s, n, k] = p
                    log_pdf[s, n, k] = max(np.float32(p), _TINY)
            for s in range(2):
                img = a if s == 0 else b
                same = True
                for c in range(3):
                    for r in range(3):
                        same &= img[y + r, x + c] == f[y + r, x + c]
                if same:
                    flag |= _SAME[s]
            flags[n] = flag
            n += 1
    return n


@njit(cache=True, fastmath=_FASTMATH, error_model='numpy')
def _bound_cells(pdf, log_pdf, n, joint, log_joint, rest, entropy_sum):
    """For the n windows of :func:`_window_pdfs` and each source s (A, B):
    the joint values of the ≤ 18 bound cells, joint (2, L, 18), and the
    rest of the MI, rest (2, L) = H(p) + H(q) − H_indep − Σ_cells base·log2
    base, so that MI = rest + Σ_cells joint·log2|joint|; entropy_sum (2, L)
    = H(p) + H(q); log_joint (float32), |joint| clamped as log_pdf."""
    cdf = np.empty((3, 9))  # F's CDF Q, then R of A and of B
    entropy = np.empty(3)
    index_sd = np.empty(3)
    mean = np.empty(3)
    norm2 = np.empty(3)
    corr = np.empty(2)
    negative = np.empty(2)
    sum_cdf = np.empty(3)
    bound_sum = np.empty(2)
    src_pdf = np.empty((2, 9))
    src_log = np.empty((2, 9))
    cell_qp = np.empty((2, 18))
    cell_log = np.empty((2, 18))
    for w in range(n):
        for s in range(3):
            h = m1 = m2 = total = 0.0
            for k in range(9):
                p = pdf[s, w, k]
                h -= p * log_pdf[s, w, k]
                m1 += (k + 1) * p
                m2 += (k + 1) * (k + 1) * p
                total += p
            mu = total / 9.0
            sq = 0.0
            for k in range(9):
                d = pdf[s, w, k] - mu
                sq += d * d
            entropy[s] = h
            index_sd[s] = math.sqrt(max(m2 - m1 * m1, 0.0))
            mean[s] = mu
            norm2[s] = sq
        for s in range(3):  # Σ_i Q_i of the unreversed CDFs
            acc = total = 0.0
            for k in range(9):
                acc += pdf[s, w, k]
                total += acc
            sum_cdf[s] = total
        for s in range(1, 3):
            num = 0.0
            for k in range(9):
                num += (pdf[s, w, k] - mean[s]) * (pdf[0, w, k] - mean[0])
            c = 0.0 if num == 0.0 else num / math.sqrt(norm2[s] * norm2[0])
            corr[s - 1] = c
            negative[s - 1] = c < 0.0
            acc = 0.0
            for k in range(9):  # p (reversed for c < 0), its log and CDF
                j = 8 - k if c < 0.0 else k
                src_pdf[s - 1, k] = pdf[s, w, j]
                src_log[s - 1, k] = log_pdf[s, w, j]
                acc += pdf[s, w, j]
                cdf[s, k] = acc
        acc = 0.0
        for k in range(9):
            acc += pdf[0, w, k]
            cdf[0, k] = acc
        # merge F's CDF with each source's R: both walks in one loop, two
        # independent dependency chains; the segment of a step lies in cell
        # (i, k), ending at min(Q_i, R_k) (ties: one segment, both advance)
        i0 = k0 = i1 = k1 = 0  # counters; 9 = that CDF is used up
        t0 = t1 = m0 = m1 = 0.0
        for e in range(18):
            v0 = (i0 < 9) & (k0 < 9)
            v1 = (i1 < 9) & (k1 < 9)
            a0, b0, a1, b1 = min(i0, 8), min(k0, 8), min(i1, 8), min(k1, 8)
            q0, r0 = cdf[0, a0], cdf[1, b0]
            q1, r1 = cdf[0, a1], cdf[2, b1]
            end0, end1 = min(q0, r0), min(q1, r1)
            seg0, seg1 = (end0 - t0) * v0, (end1 - t1) * v1
            m0 += (9 - a0) * (9 - b0) * seg0
            m1 += (9 - a1) * (9 - b1) * seg1
            joint[0, w, e], joint[1, w, e] = seg0, seg1
            # the cell's independent mass q_i p_j and log2(q_i p_j)
            cell_qp[0, e] = pdf[0, w, a0] * src_pdf[0, b0]
            cell_qp[1, e] = pdf[0, w, a1] * src_pdf[1, b1]
            cell_log[0, e] = log_pdf[0, w, a0] + src_log[0, b0]
            cell_log[1, e] = log_pdf[0, w, a1] + src_log[1, b1]
            t0, t1 = end0, end1
            i0, k0 = i0 + (q0 <= r0), k0 + (r0 <= q0)
            i1, k1 = i1 + (q1 <= r1), k1 + (r1 <= q1)
        bound_sum[0], bound_sum[1] = m0, m1
        for s in range(2):
            src = s + 1
            neg = negative[s]
            # Σ max(Q_i + P_j − 1, 0) = 10 ΣQ − Σ min(Q_i, R_k) for c < 0
            bound = bound_sum[s] + neg * (10.0 * sum_cdf[0] -
                                          2.0 * bound_sum[s])
            cov = bound - sum_cdf[0] * sum_cdf[src]
            sd = index_sd[src] * index_sd[0]
            c = corr[s]
            kappa = 0.0 if (c == 0.0 or sd == 0.0) else c * sd / cov
            k1 = 1.0 - kappa
            log_k1 = math.log2(max(abs(k1), _TINY))
            h_p, h_q = entropy[src], entropy[0]
            sum_p, sum_q = cdf[src, 8], cdf[0, 8]
            h_indep = -k1 * log_k1 * sum_p * sum_q + k1 * (
                sum_q * h_p + sum_p * h_q)
            base_terms = 0.0
            for e in range(18):
                base = k1 * cell_qp[s, e]
                base_terms += base * (log_k1 + cell_log[s, e])
                value = base + kappa * joint[s, w, e]
                joint[s, w, e] = value
                log_joint[s, w, e] = max(np.float32(abs(value)), _TINY)
            rest[s, w] = h_p + h_q - h_indep - base_terms
            entropy_sum[s, w] = h_p + h_q


@njit(cache=True, fastmath=_FASTMATH, error_model='numpy')
def _score_sum(joint, log_joint, rest, entropy_sum, flags, n):
    """Σ over the n windows and both sources of the window score: 1 where
    the source's window equals F's, 0 where either is flat, else
    2 MI / (H(p) + H(q)) (0 when the MI is exactly 0)."""
    total = 0.0
    for w in range(n):
        for s in range(2):
            if flags[w] & _SAME[s]:
                total += 1.0
                continue
            if flags[w] & (_FLAT[0] | _FLAT[s + 1]):
                continue
            mi = rest[s, w]
            for e in range(18):
                mi += joint[s, w, e] * log_joint[s, w, e]
            if mi != 0.0:
                total += 2.0 * mi / entropy_sum[s, w]
    return total


def fmi_window_sum(f: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    """Σ over all 'valid' 3x3 windows of FMI_w(A, F) + FMI_w(B, F) for
    (H, W) float64 feature maps (H, W >= 3)."""
    f, a, b = (np.ascontiguousarray(x, dtype=np.float64) for x in (f, a, b))
    rows = f.shape[0] - 2
    size = _ROWS * (f.shape[1] - 2)
    pdf = np.empty((3, size, 9))
    joint = np.empty((2, size, 18))
    # float32: NumPy's log2 takes ~0.25 ns a value instead of ~1 ns
    log_pdf = np.empty((3, size, 9), np.float32)
    log_joint = np.empty((2, size, 18), np.float32)
    rest, entropy_sum = np.empty((2, size)), np.empty((2, size))
    flags = np.empty(size, np.int64)
    total = 0.0
    for y0 in range(0, rows, _ROWS):
        n = _window_pdfs(f, a, b, y0, min(y0 + _ROWS, rows), pdf, log_pdf,
                         flags)
        np.log2(log_pdf[:, :n], out=log_pdf[:, :n])
        _bound_cells(pdf, log_pdf, n, joint, log_joint, rest, entropy_sum)
        np.log2(log_joint[:, :n], out=log_joint[:, :n])
        total += _score_sum(joint, log_joint, rest, entropy_sum, flags, n)
    return total

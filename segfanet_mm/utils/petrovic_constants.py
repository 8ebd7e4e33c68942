r"""Constants of Xydeas & Petrović's edge-preservation model (Electronics
Letters, 2000), shared by the Qabf and Nabf metrics and the differentiable
Qabf loss, with the values of the common toolkits:

.. math::
    Q_g = \frac{T_g}{1 + e^{k_g (G - D_g)}},\qquad
    Q_\alpha = \frac{T_a}{1 + e^{k_a (A - D_a)}}
"""
T_G, K_G, D_G = 0.9994, -15.0, 0.5
T_A, K_A, D_A = 0.9879, -22.0, 0.8

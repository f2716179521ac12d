"""Experiments that test the source article's claims; the site's Experiments page runs them.

``cost`` alone runs on a page of its own (docs/cost.md): its timings change with every build.

One module per claim. Each has a ``run()`` that returns a small frozen result
dataclass (NumPy arrays and numbers, nothing drawn) and a ``plot(result)`` that
draws the figure from it, so the numbers can be tested without a figure and the
figure redrawn without rerunning the experiment.

================  ============================================================
Module            Claim it tests
================  ============================================================
``vanishing``     sigmoid's gradients vanish in deep networks
``exploding``     gradients can explode (the weights decide, not the activation)
``zero_centred``  sigmoid's non-zero-centred outputs slow convergence
``cost``          ``exp`` makes sigmoid and tanh slow to compute
``batchnorm``     batch normalisation keeps inputs out of saturation
``dying_relu``    ReLU units can die; LeakyReLU fixes part of that
``training``      ReLU speeds up convergence: try it first
``numerics``      ``tanh(x) = 2 sigmoid(2x) - 1``, and the article's formulas in floats
================  ============================================================

Everything runs on the CPU with fixed seeds and one torch thread, so two runs
give identical numbers (the timings of ``cost`` excepted). Importing this
package imports nothing heavy; the modules that need PyTorch import it
themselves (``numerics`` and ``datasets`` need only NumPy), and matplotlib is
imported only inside the ``plot`` functions.

Examples
--------
>>> from activation_functions.experiments import numerics
>>> numerics.run(num=11).naive_tanh_nan_from["float64"]
709.79
"""

from __future__ import annotations

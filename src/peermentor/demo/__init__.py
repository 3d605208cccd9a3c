"""Synthetic demo study calibrated to Huebner et al. (2018), with known true parameters.

``simulate`` draws the study (targets and constants in ``calibration``; ``sites``, ``timeline``,
``mentors``, ``contacts`` and ``frames`` hold its steps), ``export`` and ``build`` write each
site's raw export, ``shapes`` makes the studies the demo never is, and ``command`` is
``peermentor demo``. Nothing is imported here, so the CLI loads ``command`` without pandas.
"""

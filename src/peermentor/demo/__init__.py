"""Synthetic demo study calibrated to Huebner et al. (2018), with known true parameters."""

from peermentor.demo.simulate import (
    DEFAULT_SITES,
    DemoSite,
    Study,
    describe_study,
    simulate_study,
)

__all__ = ["DEFAULT_SITES", "DemoSite", "Study", "describe_study", "simulate_study"]

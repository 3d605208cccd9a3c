"""Synthetic demo study calibrated to Huebner et al. (2018), with known true parameters."""

from peermentor.demo.simulate import Study, simulate_study
from peermentor.demo.sites import DEFAULT_SITES, DemoSite

__all__ = ["DEFAULT_SITES", "DemoSite", "Study", "simulate_study"]

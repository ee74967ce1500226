# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A local simulator of the Scalingo API, for the demo and the tests."""

from __future__ import annotations

from .app import DEFAULT_API_TOKEN, DEFAULT_PROJECT_ID, OTHER_PROJECT_ID, PLANS, Fault, ScalingoSimulator
from .server import LOOPBACK_ONLY, ModeledNetwork, RunningSimulator

__all__ = [
    "DEFAULT_API_TOKEN",
    "DEFAULT_PROJECT_ID",
    "Fault",
    "LOOPBACK_ONLY",
    "ModeledNetwork",
    "OTHER_PROJECT_ID",
    "PLANS",
    "RunningSimulator",
    "ScalingoSimulator",
]

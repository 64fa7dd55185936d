"""Indicators of compromise in the STIX 2.1 vocabulary: types, validation, normalisation.

Engine package: never imports Django. `load_indicators` reads plain lists, CSV, STIX 2.1
bundles and MISP events (`reader.py`, one module per format in `readers/`).

Exceptions::

    IntelError
     └── IndicatorError      a value that is not valid for its indicator type
"""

from warroom.intel.indicator import IndicatorError, IndicatorType, IntelError, normalise
from warroom.intel.reader import (
    Indicator,
    IndicatorList,
    ReadProblem,
    detect_format,
    infer_type,
    load_indicators,
)

__all__ = [
    "Indicator",
    "IndicatorError",
    "IndicatorList",
    "IndicatorType",
    "IntelError",
    "ReadProblem",
    "detect_format",
    "infer_type",
    "load_indicators",
    "normalise",
]

"""Indicators of compromise in the STIX 2.1 vocabulary: types, validation, normalisation.

Engine package: never imports Django. Readers for STIX bundles, MISP events and CSV lists come
with issue #3.

Exceptions::

    IntelError
     └── IndicatorError      a value that is not valid for its indicator type
"""

from warroom.intel.indicator import IndicatorError, IndicatorType, IntelError, normalise

__all__ = ["IndicatorError", "IndicatorType", "IntelError", "normalise"]

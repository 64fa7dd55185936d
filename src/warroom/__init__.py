"""warroom: an out-of-band war room for a cyber incident at a service provider.

Two halves with one direction of dependency: the engine (`warroom.hunt`, `warroom.intel`,
`warroom.scenario`) never imports Django; the web apps (`warroom.cases`, `warroom.accounts`,
`warroom.jobs`) and the CLI (`warroom.cli`) use it.
"""

__version__ = "0.1.0"

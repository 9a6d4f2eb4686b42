"""The platforms a draft can be checked for: a constant the command line reads without the engine."""

PLATFORMS = ("twitter", "facebook", "other")

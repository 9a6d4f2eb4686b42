"""The rule engine: pure functions over an immutable, compiled rule set. No Flask, no I/O per check."""

__all__ = ["Draft", "ElectionState", "Warning", "check", "RulePackError", "load_rule_pack", "RuleSet"]

# Imported on first use, so a module that needs only a constant (engine.platforms, for the command
# line's --platform choice) does not import the evaluator, numpy and the model.
_FROM = {"Draft": "evaluate", "ElectionState": "evaluate", "Warning": "evaluate", "check": "evaluate",
         "RulePackError": "loader", "load_rule_pack": "loader", "RuleSet": "ruleset"}


def __getattr__(name):
    if name in _FROM:
        import importlib
        value = getattr(importlib.import_module(f"postcheck.engine.{_FROM[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'postcheck.engine' has no attribute {name!r}")

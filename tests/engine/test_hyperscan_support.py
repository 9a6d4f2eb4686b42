"""What Hyperscan's compiler allocated and freed goes back to the system: a worker would otherwise carry
it for life (hyperscan_support.release_compile_memory; the memory is measured by bench/http_load.py)."""
from postcheck.engine import literal_scan, load_rule_pack, pattern_gate
from postcheck.engine.hyperscan_support import CompiledCache
from tests.conftest import RULES_DIR
from tests.engine.test_pattern_gate import needs_hyperscan


@needs_hyperscan
def test_memory_the_compilers_freed_is_handed_back(monkeypatch):
    # Compiles of earlier tests' rule sets (a reload, say) may still be queued on the one compiler
    # thread: let them finish first, so that only this load's compiles are counted.
    pattern_gate._compiler().submit(lambda: None).result(timeout=120)
    released = []
    for module in (literal_scan, pattern_gate):
        monkeypatch.setattr(module, "release_compile_memory", lambda module=module: released.append(module.__name__))
    monkeypatch.setattr(literal_scan, "_cache", CompiledCache())  # nothing compiled yet
    monkeypatch.setattr(pattern_gate, "_cache", CompiledCache())
    fresh = load_rule_pack(RULES_DIR)
    assert fresh.gate.wait(60)
    assert sorted(released) == ["postcheck.engine.literal_scan", "postcheck.engine.pattern_gate"]

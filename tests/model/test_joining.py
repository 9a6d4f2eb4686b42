"""How learned warnings join the rules' (engine.evaluate.join_learned), on a tiny hand-made model whose
every weight is known, so each assertion follows from the numbers and not from training luck."""
import pytest

from postcheck.engine.evaluate import Draft, ElectionState, Warning, join_learned
from tests.model.conftest import card, tiny_layer

NO_ELECTION = ElectionState()


def rule_warning(category, spans=((0, 3),)):
    return Warning(f"{category}.some-rule", category, "medium", "Rule title", "Rule message", "Rule advice",
                   {"section": "s", "clause": "c", "quote": "q"}, [{"start": s, "end": e} for s, e in spans])


def join(layer, text, warnings=None, account="personal", election=NO_ELECTION, **draft):
    warnings = list(warnings or [])
    complete = join_learned(layer, warnings, Draft(text=text, account_type=account, **draft), election, account, None)
    assert complete
    return warnings


def test_a_learned_warning_names_its_card_source_and_confidence_and_underlines_the_word():
    layer = tiny_layer({"muppet": {"harassment": 6.0}})  # logit -4 + 6 = 2: probability 0.88
    [w] = join(layer, "what a muppet he is")
    assert (w.rule, w.category, w.source) == ("model.harassment", "harassment", "model")
    assert (w.title, w.message, w.advice, w.severity) == ("harassment title", "harassment message", "harassment advice", "high")
    assert w.confidence == pytest.approx(0.88, abs=0.005)
    assert w.spans == [{"start": 7, "end": 13}]  # "muppet" and only it


def test_below_the_threshold_nothing_is_added():
    layer = tiny_layer({"muppet": {"harassment": 3.9}})  # logit -0.1: probability just under 0.5
    assert join(layer, "what a muppet") == []


def test_where_a_rule_agrees_one_warning_stands_the_rules_own_marked_both():
    layer = tiny_layer({"muppet": {"harassment": 6.0}})
    ruled = rule_warning("harassment", [(0, 4)])
    [w] = join(layer, "what a muppet", [ruled])
    assert (w.rule, w.spans, w.title, w.severity) == (ruled.rule, ruled.spans, ruled.title, ruled.severity)
    assert w.source == "both" and w.confidence == pytest.approx(0.88, abs=0.005)


def test_a_rule_of_another_category_is_left_alone():
    layer = tiny_layer({"muppet": {"harassment": 6.0}})
    other = rule_warning("offensive")
    found = join(layer, "what a muppet", [other])
    assert [(w.rule, w.source, w.confidence) for w in found] == [(other.rule, "rules", None),
                                                                   ("model.harassment", "model", pytest.approx(0.88, abs=0.005))]


def test_filler_words_are_never_underlined_alone_and_a_warning_without_words_is_not_given():
    # "honestly" pushes the score over, but it is filler: the model would warn with nothing to show.
    layer = tiny_layer({"honestly": {"disrepute": 6.0}})
    assert join(layer, "Honestly the people on the estate") == []


def test_filler_between_two_telling_words_joins_them_into_one_underline():
    # Each word's share is 4/sqrt(2) = 2.83: without either the logit stays over 0, so both are needed.
    layer = tiny_layer({"snap": {"violent": 4.0}, "arms": {"violent": 4.0}}, bias=-2.0)
    text = "I'll snap his arms"
    [w] = join(layer, text)
    assert [text[s["start"]:s["end"]] for s in w.spans] == ["snap his arms"]


def test_only_the_words_needed_to_cross_the_threshold_are_underlined():
    # Alone, "torch" carries the score over the threshold; "tonight" adds a little more but is not needed.
    layer = tiny_layer({"torch": {"violent": 8.0}, "tonight": {"violent": 0.5}})
    text = "torch the place tonight"
    [w] = join(layer, text)
    assert [text[s["start"]:s["end"]] for s in w.spans] == ["torch"]


def test_a_cards_when_gates_it():
    cards = {"election": card("election", when={"election": True}),
             "disclaimer": card("disclaimer", when={"account": "personal"})}
    layer = tiny_layer({"manifesto": {"election": 8.0}, "rota": {"disclaimer": 8.0}}, cards=cards)
    assert join(layer, "read the manifesto") == []
    period = ElectionState(True, {"id": "x"})
    assert [w.rule for w in join(layer, "read the manifesto", election=period)] == ["model.election"]
    assert join(layer, "the new rota", account="council") == []
    assert [w.rule for w in join(layer, "the new rota")] == ["model.disclaimer"]


def test_spans_count_utf16_code_units():
    layer = tiny_layer({"muppet": {"harassment": 6.0}})
    text = "😀😀 what a muppet"
    [w] = join(layer, text)
    start = text.index("muppet")
    assert w.spans == [{"start": start + 2, "end": start + 8}]  # two emoji before it, two code units each


def test_severity_follows_the_account_type():
    cards = {"election": card("election", severity={"personal": "medium", "council": "high"})}
    layer = tiny_layer({"manifesto": {"election": 8.0}}, cards=cards)
    assert [w.severity for w in join(layer, "the manifesto", account="council")] == ["high"]
    assert [w.severity for w in join(layer, "the manifesto", account="personal")] == ["medium"]
